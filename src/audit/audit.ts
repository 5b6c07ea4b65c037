/**
 * The audit trail: who did what to which thing, in which request, and how it ended. Services write their entry in
 * the transaction of the change itself (`recordAudit(tx, ...)`), so a change is never without its entry; refused
 * logins and denied requests are written by the authentication layer and the API.
 *
 * @example
 * await recordAudit(tx, clock, caller, { action: 'secret.set', targetType: 'secret', targetId: name });
 */
import { v7 as uuidv7 } from 'uuid';
import { type Caller, requireRole } from '../auth/caller.ts';
import type { Clock } from '../clock.ts';
import type { Database, Queryable } from '../db/database.ts';
import { keysetPage, mapPage } from '../db/pagination.ts';
import { Where } from '../db/where.ts';
import { iso } from '../schemas.ts';
import type { AUDIT_OUTCOMES, AuditEntryDto } from './schemas.ts';

export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Who acted: a caller, or what an unverified token claimed (refused logins). */
export type AuditActor = Pick<Caller, 'orgId' | 'userId' | 'requestId'>;

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  /** Details: names, versions, roles. Never secret values or tokens. */
  data?: Record<string, unknown>;
  outcome?: AuditOutcome;
}

/** The columns of an audit row, in the order of `auditValues`. */
export const AUDIT_COLUMNS =
  'id, org_id, actor_id, action, target_type, target_id, data, created_at, request_id, outcome';

/** The values of a new audit row (for a statement that writes it together with its change). */
export function auditValues(clock: Clock, actor: AuditActor, entry: AuditEntry): unknown[] {
  return [
    uuidv7(),
    actor.orgId,
    actor.userId,
    entry.action,
    entry.targetType,
    entry.targetId ?? null,
    JSON.stringify(entry.data ?? {}),
    clock.now(),
    actor.requestId ?? null,
    entry.outcome ?? 'success',
  ];
}

export async function recordAudit(q: Queryable, clock: Clock, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await q.query(
    `insert into audit_log (${AUDIT_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    auditValues(clock, actor, entry),
  );
}

export interface AuditQuery {
  actor?: string;
  /** An action, or a prefix ending in `*` (`token.*`). */
  action?: string;
  /** A target id. */
  target?: string;
  outcome?: AuditOutcome;
  since?: string;
  until?: string;
  cursor?: string;
  limit: number;
}

interface AuditRow {
  id: string;
  org_id: string;
  actor_id: string;
  action: string;
  target_type: string;
  target_id: string | null;
  outcome: AuditOutcome;
  request_id: string | null;
  data: Record<string, unknown>;
  created_at: Date;
}

const toEntry = (row: AuditRow): AuditEntryDto => ({
  id: row.id,
  org_id: row.org_id,
  actor: row.actor_id,
  action: row.action,
  target_type: row.target_type,
  target_id: row.target_id,
  outcome: row.outcome,
  request_id: row.request_id,
  data: row.data ?? {},
  created_at: iso(row.created_at),
});

const likePrefix = (prefix: string) => `${prefix.replace(/[%_\\]/g, '\\$&')}%`;

export function createAuditLog(deps: { db: Database; clock: Clock }) {
  return {
    record: (actor: AuditActor, entry: AuditEntry) => recordAudit(deps.db, deps.clock, actor, entry),

    /** A page of the caller's organisation's entries, newest first (admin). */
    async list(caller: Caller, query: AuditQuery) {
      requireRole(caller, 'admin', 'read the audit log');
      const where = new Where(['a.org_id = $1'], [caller.orgId]);
      if (query.actor) where.add((p) => `a.actor_id = ${p}`, query.actor);
      if (query.action?.endsWith('*')) where.add((p) => `a.action like ${p}`, likePrefix(query.action.slice(0, -1)));
      else if (query.action) where.add((p) => `a.action = ${p}`, query.action);
      if (query.target) where.add((p) => `a.target_id = ${p}`, query.target);
      if (query.outcome) where.add((p) => `a.outcome = ${p}`, query.outcome);
      if (query.since) where.add((p) => `a.created_at >= ${p}::timestamptz`, query.since);
      if (query.until) where.add((p) => `a.created_at < ${p}::timestamptz`, query.until);
      const page = await keysetPage<AuditRow>(deps.db, {
        select: 'a.*',
        from: 'audit_log a',
        alias: 'a',
        where,
        cursor: query.cursor,
        limit: query.limit,
      });
      return mapPage(page, toEntry);
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
