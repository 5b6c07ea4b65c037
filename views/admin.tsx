/**
 * The admin pages (admins only): members and roles, API tokens (a new token is shown once), secrets (names and
 * dates; values are write-only) and the audit log with filters.
 */
import type { ComponentChildren } from 'preact';
import type { AuditEntryDto } from '../src/audit/schemas.ts';
import { ROLES } from '../src/auth/caller.ts';
import type { MemberDto, TokenInfo } from '../src/auth/schemas.ts';
import type { SecretInfo } from '../src/secrets/service.ts';
import {
  CsrfField,
  FieldErrors,
  type FormErrors,
  NextPage,
  Notice,
  Spinner,
  StatusBadge,
  Table,
  Time,
} from './components.tsx';

export type AdminTab = 'members' | 'tokens' | 'secrets' | 'audit';

const TABS: [AdminTab, string, string][] = [
  ['members', '/console/admin', 'Members'],
  ['tokens', '/console/admin/tokens', 'API tokens'],
  ['secrets', '/console/admin/secrets', 'Secrets'],
  ['audit', '/console/admin/audit', 'Audit log'],
];

/** A form that posts with htmx and swaps the admin panel (the page answers with the panel updated). */
const panelForm = (action: string) => ({
  method: 'post',
  action,
  'hx-post': action,
  'hx-target': '#admin-panel',
  'hx-select': '#admin-panel',
  'hx-swap': 'outerHTML',
  'hx-disabled-elt': 'find button',
});

/** One button that posts a hidden field to an admin route (remove, revoke, delete), after a confirmation. */
function ActionForm(props: { action: string; csrf: string; field: [string, string]; label: string; confirm: string }) {
  return (
    <form {...panelForm(props.action)} hx-confirm={props.confirm}>
      <CsrfField token={props.csrf} />
      <input type="hidden" name={props.field[0]} value={props.field[1]} />
      <button type="submit" class="danger">
        {props.label}
      </button>
    </form>
  );
}

export interface AdminFrame {
  tab: AdminTab;
  org: string;
  csrf: string;
  notice?: string;
  errors?: FormErrors;
}

export function AdminPage({ frame, children }: { frame: AdminFrame; children: ComponentChildren }) {
  const general = frame.errors?.[''];
  return (
    <>
      <h1>
        Admin <span class="muted">organisation {frame.org}</span>
      </h1>
      <nav class="tabs" aria-label="Admin">
        {TABS.map(([key, href, label]) => (
          <a href={href} aria-current={key === frame.tab ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <div id="admin-panel">
        {frame.notice && <Notice kind="success">{frame.notice}</Notice>}
        {general?.length ? <Notice kind="error">{general.map((e) => e.message).join(' ')}</Notice> : null}
        {children}
      </div>
    </>
  );
}

const RoleSelect = ({ name, value, id }: { name: string; value?: string; id?: string }) => (
  <select name={name} id={id} value={value ?? 'viewer'}>
    {ROLES.map((role) => (
      <option value={role}>{role}</option>
    ))}
  </select>
);

export function MembersPanel(props: { frame: AdminFrame; members: MemberDto[]; next: string | null }) {
  const { csrf } = props.frame;
  const errors = props.frame.errors ?? {};
  return (
    <>
      <section class="card">
        <h2>Add a member or change a role</h2>
        <form class="inline-form" {...panelForm('/console/admin/members')}>
          <CsrfField token={csrf} />
          <label>
            User id
            <input name="user" required maxLength={256} placeholder="the sub of their tokens" />
          </label>
          <div class="field">
            <label for="member-role">Role</label>
            <RoleSelect name="role" id="member-role" />
          </div>
          <button type="submit" class="primary">
            Save member
          </button>
        </form>
        <FieldErrors id="member-user" errors={errors.user} />
      </section>
      <section class="card">
        <h2>Members</h2>
        <Table
          rows={props.members}
          columns={['User', 'Role', 'Since', 'Changed by', 'Remove']}
          empty="No members"
          row={(m) => (
            <tr data-member={m.user_id}>
              <td>{m.user_id}</td>
              <td>
                <form class="inline-form" {...panelForm('/console/admin/members')}>
                  <CsrfField token={csrf} />
                  <input type="hidden" name="user" value={m.user_id} />
                  <RoleSelect name="role" value={m.role} />
                  <button type="submit">Change</button>
                </form>
              </td>
              <td>
                <Time at={m.created_at} />
              </td>
              <td>{m.updated_by ?? '—'}</td>
              <td>
                <ActionForm
                  action="/console/admin/members/remove"
                  csrf={csrf}
                  field={['user', m.user_id]}
                  label="Remove"
                  confirm={`Remove ${m.user_id}?`}
                />
              </td>
            </tr>
          )}
        />
        <NextPage href={props.next} />
      </section>
    </>
  );
}

export function TokensPanel(props: {
  frame: AdminFrame;
  tokens: TokenInfo[];
  next: string | null;
  issued?: TokenInfo & { token: string };
}) {
  const { csrf } = props.frame;
  const errors = props.frame.errors ?? {};
  return (
    <>
      {props.issued && (
        <section class="card issued" aria-labelledby="issued-title">
          <h2 id="issued-title">
            Token “{props.issued.name}” for {props.issued.user_id} ({props.issued.role})
          </h2>
          <Notice kind="info">Copy it now: it is shown only this once and cannot be read again.</Notice>
          <textarea id="issued-token" class="once" readOnly rows={3} aria-label="New token">
            {props.issued.token}
          </textarea>
        </section>
      )}
      <section class="card">
        <h2>Issue a token</h2>
        <form class="inline-form" {...panelForm('/console/admin/tokens')}>
          <CsrfField token={csrf} />
          <label>
            Name
            <input name="name" required maxLength={100} placeholder="ci-publisher" />
          </label>
          <label>
            For user
            <input name="user" maxLength={256} placeholder="me" />
          </label>
          <div class="field">
            <label for="token-role">Role</label>
            <RoleSelect name="role" value="viewer" id="token-role" />
          </div>
          <label>
            Days
            <input name="days" type="number" min={1} max={365} value={30} />
          </label>
          <button type="submit" class="primary">
            Issue token
          </button>
          <Spinner label="Issuing…" />
        </form>
        {['name', 'user', 'role', 'days'].map((key) => (
          <FieldErrors id={`token-${key}`} errors={errors[key]} />
        ))}
      </section>
      <section class="card">
        <h2>API tokens</h2>
        <Table
          rows={props.tokens}
          columns={['Name', 'User', 'Role', 'Status', 'Expires', 'Last used', 'Revoke']}
          empty="No tokens issued yet"
          row={(t) => (
            <tr data-token={t.id}>
              <td>{t.name}</td>
              <td>{t.user_id}</td>
              <td>{t.role}</td>
              <td>
                <StatusBadge status={t.status} />
              </td>
              <td>
                <Time at={t.expires_at} />
              </td>
              <td>
                <Time at={t.last_used_at} />
              </td>
              <td>
                {t.status === 'active' && (
                  <ActionForm
                    action="/console/admin/tokens/revoke"
                    csrf={csrf}
                    field={['id', t.id]}
                    label="Revoke"
                    confirm={`Revoke token ${t.name}?`}
                  />
                )}
              </td>
            </tr>
          )}
        />
        <NextPage href={props.next} />
      </section>
    </>
  );
}

export function SecretsPanel(props: { frame: AdminFrame; secrets: SecretInfo[] }) {
  const { csrf } = props.frame;
  const errors = props.frame.errors ?? {};
  return (
    <>
      <section class="card">
        <h2>Set a secret</h2>
        <p class="help">Skills receive the secrets their SKILL.md declares, once a publisher has approved them.</p>
        <form class="inline-form" {...panelForm('/console/admin/secrets')}>
          <CsrfField token={csrf} />
          <label>
            Name
            <input name="name" required maxLength={128} pattern="[A-Za-z_][A-Za-z0-9_]*" placeholder="GITHUB_TOKEN" />
          </label>
          <label>
            Value
            <input name="value" type="password" required autocomplete="off" />
          </label>
          <button type="submit" class="primary">
            Save secret
          </button>
        </form>
        <FieldErrors id="secret-name" errors={errors.name} />
        <FieldErrors id="secret-value" errors={errors.value} />
      </section>
      <section class="card">
        <h2>Secrets</h2>
        <Table
          rows={props.secrets}
          columns={['Name', 'Created', 'Updated', 'Last used', 'Delete']}
          empty="No secrets"
          row={(secret) => (
            <tr data-secret={secret.name}>
              <td>
                <code>{secret.name}</code>
              </td>
              <td>
                <Time at={secret.created_at} />
              </td>
              <td>
                <Time at={secret.updated_at} />
              </td>
              <td>
                <Time at={secret.last_used_at} />
              </td>
              <td>
                <ActionForm
                  action="/console/admin/secrets/delete"
                  csrf={csrf}
                  field={['name', secret.name]}
                  label="Delete"
                  confirm={`Delete secret ${secret.name}?`}
                />
              </td>
            </tr>
          )}
        />
      </section>
    </>
  );
}

export interface AuditFilters {
  actor?: string;
  action?: string;
  target?: string;
  outcome?: string;
  since?: string;
  until?: string;
}

const compact = (data: Record<string, unknown>) => {
  const text = JSON.stringify(data);
  return text === '{}' ? '' : text.length > 240 ? `${text.slice(0, 239)}…` : text;
};

export function AuditPanel(props: { entries: AuditEntryDto[]; next: string | null; filters: AuditFilters }) {
  const f = props.filters;
  return (
    <section class="card">
      <form
        class="filters"
        method="get"
        action="/console/admin/audit"
        hx-get="/console/admin/audit"
        hx-target="#admin-panel"
        hx-select="#admin-panel"
        hx-swap="outerHTML"
        hx-push-url="true"
      >
        <label>
          Actor
          <input name="actor" value={f.actor ?? ''} maxLength={256} size={12} />
        </label>
        <label>
          Action
          <input name="action" value={f.action ?? ''} maxLength={128} size={14} placeholder="token.* or run.start" />
        </label>
        <label>
          Target
          <input name="target" value={f.target ?? ''} maxLength={256} size={14} />
        </label>
        <label>
          Outcome
          <select name="outcome" value={f.outcome ?? ''}>
            <option value="">any</option>
            <option value="success">success</option>
            <option value="denied">denied</option>
            <option value="refused">refused</option>
          </select>
        </label>
        <label>
          From (UTC)
          <input name="since" type="datetime-local" value={f.since ?? ''} />
        </label>
        <label>
          Until (UTC)
          <input name="until" type="datetime-local" value={f.until ?? ''} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <Table
        rows={props.entries}
        columns={['Time', 'Actor', 'Action', 'Target', 'Outcome', 'Details']}
        empty="No entries match"
        class="compact audit"
        row={(e) => (
          <tr>
            <td>
              <Time at={e.created_at} />
            </td>
            <td>{e.actor}</td>
            <td>
              <code>{e.action}</code>
            </td>
            <td>
              <span class="muted">{e.target_type}</span> {e.target_id ?? ''}
            </td>
            <td>
              <span class={`badge outcome-${e.outcome}`}>{e.outcome}</span>
            </td>
            <td class="mono" title={e.request_id ? `request ${e.request_id}` : undefined}>
              {compact(e.data)}
            </td>
          </tr>
        )}
      />
      <NextPage href={props.next} />
    </section>
  );
}
