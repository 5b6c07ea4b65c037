/**
 * Members of an organisation and their roles (the `skill_permissions` table). A token without a role claim acts
 * with its subject's role here, so a change or a removal takes effect on the next request (on other replicas
 * within `AUTH_CACHE_TTL_MS`). An organisation always keeps one admin: the last one cannot be demoted or removed.
 *
 * @example
 * const members = createMembers({ db, clock, caches });
 * await members.put(admin, 'acme', 'bob', 'author');
 */
import { v7 as uuidv7 } from 'uuid';
import { recordAudit } from '../audit/audit.ts';
import type { Clock } from '../clock.ts';
import type { Database, Queryable } from '../db/database.ts';
import { keysetPage, mapPage } from '../db/pagination.ts';
import { Where } from '../db/where.ts';
import { AppError } from '../errors.ts';
import { iso } from '../schemas.ts';
import { type AuthCaches, memberKey } from './caches.ts';
import { type Caller, type Role, requireOrgAdmin } from './caller.ts';
import type { MemberDto } from './schemas.ts';

interface MemberRow {
  id: string;
  user_id: string;
  role: Role;
  created_at: Date;
  updated_at: Date;
  updated_by: string | null;
}

const toMember = (row: MemberRow): MemberDto => ({
  user_id: row.user_id,
  role: row.role,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
  updated_by: row.updated_by,
});

/** Serialises membership changes of one organisation, so two admins cannot demote each other at once. */
const lockOrg = (q: Queryable, orgId: string) =>
  q.query('select pg_advisory_xact_lock(hashtext($1)::bigint)', [`members:${orgId}`]);

async function findRow(q: Queryable, orgId: string, userId: string): Promise<MemberRow | undefined> {
  const [row] = await q.query<MemberRow>(
    'select id, user_id, role, created_at, updated_at, updated_by from skill_permissions where org_id = $1 and user_id = $2',
    [orgId, userId],
  );
  return row;
}

/** Refuses to leave `orgId` without an admin when `userId` (an admin) is demoted or removed. */
async function keepAnAdmin(q: Queryable, orgId: string, userId: string): Promise<void> {
  const [row] = await q.query<{ n: number }>(
    "select count(*)::int as n from skill_permissions where org_id = $1 and role = 'admin' and user_id <> $2",
    [orgId, userId],
  );
  if ((row?.n ?? 0) === 0) {
    throw new AppError('conflict', `"${userId}" is the last admin of "${orgId}"; make another member admin first`);
  }
}

/**
 * Makes `userId` a member with `role` unless they are one already (tokens issued for a non-member); returns
 * whether they were added. Runs in the caller's transaction.
 */
export async function ensureMember(
  q: Queryable,
  clock: Clock,
  actor: Caller,
  userId: string,
  role: Role,
): Promise<boolean> {
  const rows = await q.query(
    `insert into skill_permissions (id, user_id, org_id, role, created_at, updated_at, updated_by)
     values ($1, $2, $3, $4, $5, $5, $6) on conflict (org_id, user_id) do nothing returning id`,
    [uuidv7(), userId, actor.orgId, role, clock.now(), actor.userId],
  );
  if (rows.length === 0) return false;
  await recordAudit(q, clock, actor, { action: 'member.add', targetType: 'member', targetId: userId, data: { role } });
  return true;
}

export function createMembers(deps: { db: Database; clock: Clock; caches: AuthCaches }) {
  const { db, clock, caches } = deps;
  const forget = (orgId: string, userId: string) => caches.roles.delete(memberKey(orgId, userId));

  return {
    /** The member's role, or null when they are not a member (cached for authentication). */
    roleOf: (orgId: string, userId: string): Promise<Role | null> =>
      caches.roles.get(memberKey(orgId, userId), async () => (await findRow(db, orgId, userId))?.role ?? null),

    async list(caller: Caller, org: string, page: { role?: Role; cursor?: string; limit: number }) {
      requireOrgAdmin(caller, org, 'list members');
      const where = new Where(['m.org_id = $1'], [org]);
      if (page.role) where.add((p) => `m.role = ${p}`, page.role);
      const rows = await keysetPage<MemberRow>(db, {
        select: 'm.id, m.user_id, m.role, m.created_at, m.updated_at, m.updated_by',
        from: 'skill_permissions m',
        alias: 'm',
        where,
        cursor: page.cursor,
        limit: page.limit,
      });
      return mapPage(rows, toMember);
    },

    async get(caller: Caller, org: string, userId: string): Promise<MemberDto> {
      requireOrgAdmin(caller, org, 'read members');
      const row = await findRow(db, org, userId);
      if (!row) throw new AppError('not_found', `"${userId}" is not a member of "${org}"`);
      return toMember(row);
    },

    /** Adds a member or changes their role; `created` says which. */
    async put(caller: Caller, org: string, userId: string, role: Role) {
      requireOrgAdmin(caller, org, 'manage members');
      const result = await db.transaction(async (q) => {
        await lockOrg(q, org);
        const current = await findRow(q, org, userId);
        if (current?.role === role) return { created: false, row: current };
        if (current?.role === 'admin') await keepAnAdmin(q, org, userId);
        const now = clock.now();
        if (current) {
          await q.query(
            'update skill_permissions set role = $3, updated_at = $4, updated_by = $5 where org_id = $1 and user_id = $2',
            [org, userId, role, now, caller.userId],
          );
        } else {
          await q.query(
            `insert into skill_permissions (id, user_id, org_id, role, created_at, updated_at, updated_by)
             values ($1, $2, $3, $4, $5, $5, $6)`,
            [uuidv7(), userId, org, role, now, caller.userId],
          );
        }
        const action = current ? 'member.role_change' : 'member.add';
        const data = current ? { role, previous_role: current.role } : { role };
        await recordAudit(q, clock, caller, { action, targetType: 'member', targetId: userId, data });
        return { created: !current, row: (await findRow(q, org, userId))! };
      });
      forget(org, userId);
      return { created: result.created, member: toMember(result.row) };
    },

    /** Removes a member and revokes the tokens POST /tokens issued them. */
    async remove(caller: Caller, org: string, userId: string): Promise<void> {
      requireOrgAdmin(caller, org, 'manage members');
      const revoked = await db.transaction(async (q) => {
        await lockOrg(q, org);
        const current = await findRow(q, org, userId);
        if (!current) throw new AppError('not_found', `"${userId}" is not a member of "${org}"`);
        if (current.role === 'admin') await keepAnAdmin(q, org, userId);
        await q.query('delete from skill_permissions where org_id = $1 and user_id = $2', [org, userId]);
        const tokens = await q.query<{ id: string }>(
          `update api_tokens set revoked_at = $3 where org_id = $1 and user_id = $2 and revoked_at is null
           returning id`,
          [org, userId, clock.now()],
        );
        await recordAudit(q, clock, caller, {
          action: 'member.remove',
          targetType: 'member',
          targetId: userId,
          data: { previous_role: current.role, tokens_revoked: tokens.length },
        });
        return tokens;
      });
      forget(org, userId);
      for (const token of revoked) caches.tokens.delete(token.id);
    },
  };
}

export type Members = ReturnType<typeof createMembers>;
