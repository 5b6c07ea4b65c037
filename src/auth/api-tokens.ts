/**
 * API tokens issued by `POST /tokens`: named, with a role cap and an expiry, recorded by id (the JWT's `jti`) and
 * never stored themselves. They carry no role claim: they act with the lower of their cap and their owner's member
 * role, and a revoked one is refused on the next request (on other replicas within `AUTH_CACHE_TTL_MS`).
 *
 * @example
 * const { token } = await apiTokens.issue(admin, { name: 'ci', role: 'publisher', user_id: 'ci-bot' });
 */
import { v7 as uuidv7 } from 'uuid';
import { recordAudit } from '../audit/audit.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { keysetPage, mapPage } from '../db/pagination.ts';
import { UUID, Where } from '../db/where.ts';
import { AppError } from '../errors.ts';
import { iso, isoOrNull } from '../schemas.ts';
import { type AuthCaches, memberKey, type TokenRecord } from './caches.ts';
import { type Caller, hasRole, type Role, requireRole } from './caller.ts';
import { ensureMember } from './members.ts';
import type { TokenInfo } from './schemas.ts';
import type { TokenService } from './tokens.ts';

interface TokenRow extends TokenRecord {
  name: string;
  created_by: string | null;
  created_at: Date;
  expires_at: Date;
  last_used_at: Date | null;
}

const DAY_MS = 24 * 3600 * 1000;
/** `last_used_at` is written at most this often per token, so authentication does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

export interface IssueTokenInput {
  name: string;
  /** Role cap; defaults to the caller's role for their own token, required for someone else's. */
  role?: Role;
  /** Whose token; defaults to the caller (admins only for anyone else). */
  user_id?: string;
  expires_in_days?: number;
}

export function createApiTokens(deps: { db: Database; clock: Clock; tokens: TokenService; caches: AuthCaches }) {
  const { db, clock, tokens, caches } = deps;
  const touched = new Map<string, number>();

  const toInfo = (row: TokenRow): TokenInfo => ({
    id: row.id,
    name: row.name,
    user_id: row.user_id,
    role: row.role,
    created_by: row.created_by,
    status: row.revoked_at ? 'revoked' : row.expires_at <= clock.now() ? 'expired' : 'active',
    created_at: iso(row.created_at),
    expires_at: iso(row.expires_at),
    last_used_at: isoOrNull(row.last_used_at),
    revoked_at: isoOrNull(row.revoked_at),
  });

  async function findRow(orgId: string, id: string): Promise<TokenRow | undefined> {
    if (!UUID.test(id)) return undefined;
    const [row] = await db.query<TokenRow>('select * from api_tokens where org_id = $1 and id = $2', [orgId, id]);
    return row;
  }

  /** Who the token is for and with which cap, checked against the caller's own rights. */
  function grant(caller: Caller, input: IssueTokenInput): { userId: string; role: Role } {
    const userId = input.user_id ?? caller.userId;
    if (userId !== caller.userId) requireRole(caller, 'admin', 'issue tokens for other users');
    const role = input.role ?? (userId === caller.userId ? caller.role : undefined);
    if (!role) {
      throw new AppError('invalid_request', 'Name the role of a token for another user', {
        errors: [{ field: 'body.role', message: 'required when user_id is another user' }],
      });
    }
    if (!hasRole(caller, role)) {
      throw new AppError('forbidden', `Role "${caller.role}" may not issue a token with role "${role}"`);
    }
    return { userId, role };
  }

  function lifetimeMs(days: number | undefined): number {
    const maxDays = Math.floor(tokens.maxLifetimeSeconds / 86_400);
    const wanted = days ?? Math.min(30, maxDays);
    if (wanted > maxDays) {
      throw new AppError('invalid_request', `A token may live at most ${maxDays} days`, {
        errors: [{ field: 'body.expires_in_days', message: `must be at most ${maxDays}` }],
      });
    }
    return wanted * DAY_MS;
  }

  return {
    /** Issues a token; the token itself is in the answer only. A non-member owner becomes a member with its role. */
    async issue(caller: Caller, input: IssueTokenInput): Promise<TokenInfo & { token: string }> {
      const { userId, role } = grant(caller, input);
      const ttl = lifetimeMs(input.expires_in_days);
      const id = uuidv7();
      const now = clock.now();
      const row = await db.transaction(async (q) => {
        await ensureMember(q, clock, caller, userId, role);
        const [inserted] = await q.query<TokenRow>(
          `insert into api_tokens (id, org_id, user_id, role, name, created_by, created_at, expires_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8) returning *`,
          [id, caller.orgId, userId, role, input.name, caller.userId, now, new Date(now.getTime() + ttl)],
        );
        await recordAudit(q, clock, caller, {
          action: 'token.issue',
          targetType: 'token',
          targetId: id,
          data: { name: input.name, user_id: userId, role, expires_at: iso(inserted!.expires_at) },
        });
        return inserted!;
      });
      caches.roles.delete(memberKey(caller.orgId, userId));
      const token = await tokens.issue({ userId, orgId: caller.orgId, ttlSeconds: ttl / 1000, tokenId: id });
      return { ...toInfo(row), token };
    },

    /** The caller's tokens; an admin's list holds every token of the organisation (or of `user`). */
    async list(caller: Caller, query: { user?: string; cursor?: string; limit: number }) {
      const where = new Where(['t.org_id = $1'], [caller.orgId]);
      const user = hasRole(caller, 'admin') ? query.user : caller.userId;
      if (user) where.add((p) => `t.user_id = ${p}`, user);
      const page = await keysetPage<TokenRow>(db, {
        select: 't.*',
        from: 'api_tokens t',
        alias: 't',
        where,
        cursor: query.cursor,
        limit: query.limit,
      });
      return mapPage(page, toInfo);
    },

    /** Revokes a token: the caller's own, or any of the organisation's for an admin. Revoking twice is a no-op. */
    async revoke(caller: Caller, id: string): Promise<TokenInfo> {
      const row = await findRow(caller.orgId, id);
      if (!row || (row.user_id !== caller.userId && !hasRole(caller, 'admin'))) {
        throw new AppError('not_found', `Token "${id}" not found`);
      }
      if (row.revoked_at) return toInfo(row);
      const revoked = await db.transaction(async (q) => {
        const [updated] = await q.query<TokenRow>(
          'update api_tokens set revoked_at = $2 where id = $1 and revoked_at is null returning *',
          [id, clock.now()],
        );
        await recordAudit(q, clock, caller, {
          action: 'token.revoke',
          targetType: 'token',
          targetId: id,
          data: { name: row.name, user_id: row.user_id },
        });
        return updated ?? row;
      });
      caches.tokens.delete(id);
      return toInfo(revoked);
    },

    /** The record of a token id, for authentication (cached); null when POST /tokens did not issue it. */
    record: (jti: string): Promise<TokenRecord | null> =>
      caches.tokens.get(jti, async () => {
        if (!UUID.test(jti)) return null;
        const [row] = await db.query<TokenRecord>(
          'select id, org_id, user_id, role, revoked_at from api_tokens where id = $1',
          [jti],
        );
        return row ?? null;
      }),

    /** Notes that a token was accepted (at most once a minute per token and process). */
    async touch(id: string): Promise<void> {
      const now = clock.now().getTime();
      if (now - (touched.get(id) ?? 0) < TOUCH_EVERY_MS) return;
      touched.set(id, now);
      if (touched.size > 10_000) touched.delete(touched.keys().next().value!);
      await db.query('update api_tokens set last_used_at = $2 where id = $1', [id, new Date(now)]);
    },
  };
}

export type ApiTokens = ReturnType<typeof createApiTokens>;
