/**
 * The admin pages: members, API tokens, secrets and the audit log of the caller's organisation, through the same
 * services as /orgs/{org}/members, /tokens, /orgs/{org}/secrets and /audit (which refuse anyone but an admin).
 */
import type { Hono } from 'hono';
import type { VNode } from 'preact';
import {
  type AdminFrame,
  AdminPage,
  type AdminTab,
  type AuditFilters,
  AuditPanel,
  MembersPanel,
  SecretsPanel,
  TokensPanel,
} from '../../views/admin.tsx';
import { withQuery } from '../../views/components.tsx';
import { limitBody, SMALL_JSON_BYTES } from '../api/body-limit.ts';
import { statusOf } from '../api/problem.ts';
import { IssueTokenSchema } from '../api/tokens/tokens.routes.ts';
import { RoleSchema, requireRole } from '../auth/caller.ts';
import { type IssuedToken, UserIdSchema } from '../auth/schemas.ts';
import { AppError } from '../errors.ts';
import { MAX_SECRET_BYTES, SECRET_NAME } from '../secrets/service.ts';
import { type ConsoleContext, type ConsoleEnv, field } from './context.ts';
import { formErrors, invalidForm, isFixable } from './forms.ts';
import { checkCsrf } from './middleware.tsx';
import { page } from './render.tsx';

const PAGE_SIZE = 25;
/**
 * A secret value of MAX_SECRET_BYTES characters, form-encoded in the worst case (a 4-byte character becomes 12
 * bytes of %XX), and the other fields.
 */
const SECRET_FORM_BYTES = 12 * MAX_SECRET_BYTES + 4096;

/** What an admin action ended with: a notice, a problem to show beside the form, or a token to show once. */
type Outcome = { notice?: string; error?: AppError; issued?: IssuedToken };

/** The value of a datetime-local field (UTC) as an ISO time, or undefined. */
function utcTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const parsed = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}

/** The admin form field a reported field is about (`body.user_id` is the "user" field). */
function formField(reported: string): string | undefined {
  const name = /^body\.(\w+)/.exec(reported)?.[1];
  return name === 'user_id' ? 'user' : name === 'expires_in_days' ? 'days' : name;
}

async function renderTab(c: ConsoleContext, tab: AdminTab, outcome: Outcome = {}) {
  const { caller } = c.var;
  requireRole(caller, 'admin', 'use the admin pages');
  const { members, apiTokens, secrets, audit } = c.var.services;
  const query = c.req.method === 'GET' ? c.req.query() : {};
  const status = outcome.error ? statusOf(outcome.error) : 200;
  const frame: AdminFrame = {
    tab,
    org: caller.orgId,
    csrf: c.var.csrf,
    notice: outcome.notice,
    errors: outcome.error ? formErrors(outcome.error, formField) : undefined,
  };
  const cursor = query.cursor || undefined;
  const base = `/console/admin${tab === 'members' ? '' : `/${tab}`}`;
  const nextOf = (next: string | null, params: Record<string, string | undefined> = {}) =>
    next && withQuery(base, { ...params, cursor: next });
  let panel: VNode;
  if (tab === 'members') {
    const result = await members.list(caller, caller.orgId, { cursor, limit: PAGE_SIZE });
    panel = <MembersPanel frame={frame} members={result.data} next={nextOf(result.next_cursor)} />;
  } else if (tab === 'tokens') {
    const result = await apiTokens.list(caller, { cursor, limit: PAGE_SIZE });
    panel = (
      <TokensPanel frame={frame} tokens={result.data} next={nextOf(result.next_cursor)} issued={outcome.issued} />
    );
  } else if (tab === 'secrets') {
    panel = <SecretsPanel frame={frame} secrets={await secrets.list(caller, caller.orgId)} />;
  } else {
    const filters: AuditFilters = {
      actor: query.actor?.trim().slice(0, 256) || undefined,
      action: query.action?.trim().slice(0, 128) || undefined,
      target: query.target?.trim().slice(0, 256) || undefined,
      outcome: ['success', 'denied', 'refused'].includes(query.outcome ?? '') ? query.outcome : undefined,
      since: query.since || undefined,
      until: query.until || undefined,
    };
    const result = await audit.list(caller, {
      ...filters,
      outcome: filters.outcome as 'success' | 'denied' | 'refused' | undefined,
      since: utcTime(filters.since),
      until: utcTime(filters.until),
      cursor,
      limit: PAGE_SIZE,
    });
    panel = <AuditPanel entries={result.data} next={nextOf(result.next_cursor, { ...filters })} filters={filters} />;
  }
  return page(c, { title: 'Admin', section: 'admin', status }, <AdminPage frame={frame}>{panel}</AdminPage>);
}

/** Runs an admin action and shows its tab again: with a notice, or with the problem beside the form. */
async function act(c: ConsoleContext, tab: AdminTab, action: () => Promise<Outcome>) {
  requireRole(c.var.caller, 'admin', 'use the admin pages');
  try {
    return await renderTab(c, tab, await action());
  } catch (error) {
    // 404 too: a member, token or secret of another organisation is not found, and the panel says so.
    if (isFixable(error) || (error instanceof AppError && error.code === 'not_found')) {
      return renderTab(c, tab, { error });
    }
    throw error;
  }
}

export function adminPages(router: Hono<ConsoleEnv>) {
  const csrf = checkCsrf((c) => c.get('session'));
  const small = limitBody(SMALL_JSON_BYTES);

  router.get('/admin', (c) => renderTab(c, 'members'));
  router.get('/admin/tokens', (c) => renderTab(c, 'tokens'));
  router.get('/admin/secrets', (c) => renderTab(c, 'secrets'));
  router.get('/admin/audit', (c) => renderTab(c, 'audit'));

  router.post('/admin/members', small, csrf, (c) =>
    act(c, 'members', async () => {
      const user = UserIdSchema.safeParse(field(c.var.form, 'user').trim());
      const role = RoleSchema.safeParse(field(c.var.form, 'role'));
      if (!user.success) throw invalidForm(user.error.issues.map((i) => ({ ...i, path: ['user'] })));
      if (!role.success) throw invalidForm(role.error.issues.map((i) => ({ ...i, path: ['role'] })));
      const { created, member } = await c.var.services.members.put(
        c.var.caller,
        c.var.caller.orgId,
        user.data,
        role.data,
      );
      return {
        notice: `${member.user_id} ${created ? 'added' : 'is now'} ${created ? `as ${member.role}` : member.role}.`,
      };
    }),
  );

  router.post('/admin/members/remove', small, csrf, (c) =>
    act(c, 'members', async () => {
      const user = field(c.var.form, 'user');
      await c.var.services.members.remove(c.var.caller, c.var.caller.orgId, user);
      return { notice: `${user} removed; their API tokens are revoked.` };
    }),
  );

  router.post('/admin/tokens', small, csrf, (c) =>
    act(c, 'tokens', async () => {
      const form = c.var.form;
      const days = field(form, 'days').trim();
      const input = IssueTokenSchema.safeParse({
        name: field(form, 'name'),
        role: field(form, 'role') || undefined,
        user_id: field(form, 'user').trim() || undefined,
        expires_in_days: days ? Number(days) : undefined,
      });
      if (!input.success) throw invalidForm(input.error.issues);
      return { issued: await c.var.services.apiTokens.issue(c.var.caller, input.data), notice: 'Token issued.' };
    }),
  );

  router.post('/admin/tokens/revoke', small, csrf, (c) =>
    act(c, 'tokens', async () => {
      const token = await c.var.services.apiTokens.revoke(c.var.caller, field(c.var.form, 'id'));
      return { notice: `Token “${token.name}” revoked.` };
    }),
  );

  router.post('/admin/secrets', limitBody(SECRET_FORM_BYTES), csrf, (c) =>
    act(c, 'secrets', async () => {
      const name = field(c.var.form, 'name').trim();
      const value = field(c.var.form, 'value');
      const errors = [];
      if (!SECRET_NAME.test(name))
        errors.push({ field: 'body.name', message: 'letters, digits and _, not starting with a digit' });
      if (!value || value.length > MAX_SECRET_BYTES)
        errors.push({ field: 'body.value', message: `1 to ${MAX_SECRET_BYTES} characters` });
      if (errors.length) throw new AppError('invalid_request', 'The secret is not valid', { errors });
      await c.var.services.secrets.put(c.var.caller, c.var.caller.orgId, name, value);
      return { notice: `Secret ${name} saved.` };
    }),
  );

  router.post('/admin/secrets/delete', small, csrf, (c) =>
    act(c, 'secrets', async () => {
      const name = field(c.var.form, 'name');
      await c.var.services.secrets.remove(c.var.caller, c.var.caller.orgId, name);
      return { notice: `Secret ${name} deleted.` };
    }),
  );
}
