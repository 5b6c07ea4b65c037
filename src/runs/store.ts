/** The runs concern's SQL: run rows, their outcome, and artifact rows. Rows and their mapping are in `rows.ts`. */
import { AUDIT_COLUMNS } from '../audit/audit.ts';
import type { Caller } from '../auth/caller.ts';
import type { Database, Queryable } from '../db/database.ts';
import { keysetPage } from '../db/pagination.ts';
import { Where } from '../db/where.ts';
import { runVisible, viewer } from '../skills/visibility.ts';
import type { ArtifactRow, RunRow } from './rows.ts';

export type RunOutcome = Pick<
  RunRow,
  'status' | 'output_json' | 'error' | 'logs' | 'usage' | 'duration_ms' | 'finished_at'
>;

export interface RunFilter {
  status?: string;
  skillId?: string;
  skillName?: string;
  parentRunId?: string;
  since?: string;
}

async function writeOutcome(q: Queryable, id: string, outcome: RunOutcome, artifacts: ArtifactRow[]) {
  await q.query(
    `update skill_runs set status = $2, output_json = $3, error = $4, logs = $5, usage = $6, duration_ms = $7,
       finished_at = $8, error_type = $9 where id = $1`,
    [
      id,
      outcome.status,
      outcome.output_json === undefined ? null : JSON.stringify(outcome.output_json),
      outcome.error ? JSON.stringify(outcome.error) : null,
      JSON.stringify(outcome.logs),
      JSON.stringify(outcome.usage),
      outcome.duration_ms,
      outcome.finished_at,
      outcome.error?.type ?? null,
    ],
  );
  for (const a of artifacts) {
    await q.query(
      `insert into skill_artifacts (id, run_id, org_id, name, storage_url, mime_type, checksum, size_bytes,
         created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [a.id, a.run_id, a.org_id, a.name, a.storage_url, a.mime_type, a.checksum, a.size_bytes, a.created_at],
    );
  }
}

export function createRunStore(db: Database) {
  return {
    /**
     * Inserts a run row (in the transaction `q` when given). With `audit` (the values of `auditValues`), its audit
     * entry is written by the same statement: one round trip, atomic without a transaction.
     */
    async insertRun(row: RunRow, q: Queryable = db, audit?: unknown[]) {
      const values = [
        row.id,
        row.org_id,
        row.skill_id,
        row.skill_version_id,
        row.parent_run_id,
        row.user_id,
        row.status,
        JSON.stringify(row.input_json ?? null),
        row.created_at,
        row.started_at,
        row.skill_name,
        row.version,
        row.kind,
        row.depth,
      ];
      const insert = `insert into skill_runs (id, org_id, skill_id, skill_version_id, parent_run_id, user_id, status,
           input_json, created_at, started_at, skill_name, version, kind, depth)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;
      if (!audit) {
        await q.query(insert, values);
        return;
      }
      const params = audit.map((_, i) => `$${values.length + i + 1}`).join(', ');
      await q.query(`with run as (${insert}) insert into audit_log (${AUDIT_COLUMNS}) values (${params})`, [
        ...values,
        ...audit,
      ]);
    },

    async markRunning(id: string, startedAt: Date) {
      await db.query(`update skill_runs set status = 'running', started_at = $2 where id = $1 and status = 'queued'`, [
        id,
        startedAt,
      ]);
    },

    /** Writes the outcome and, in the same transaction, the artifact rows (only passed for a succeeded run). */
    async finishRun(id: string, outcome: RunOutcome, artifacts: ArtifactRow[]) {
      if (artifacts.length === 0) await writeOutcome(db, id, outcome, []);
      else await db.transaction((tx) => writeOutcome(tx, id, outcome, artifacts));
    },

    /** Marks a run cancelled unless it already ended; returns whether it did. */
    async cancelIfOpen(id: string, finishedAt: Date): Promise<boolean> {
      const rows = await db.query(
        `update skill_runs set status = 'cancelled', error = $2, error_type = 'cancelled', finished_at = $3
         where id = $1 and status in ('queued', 'running') returning id`,
        [id, JSON.stringify({ type: 'cancelled', message: 'The run was cancelled' }), finishedAt],
      );
      return rows.length > 0;
    },

    async getRun(orgId: string, id: string): Promise<RunRow | undefined> {
      const [row] = await db.query<RunRow>('select * from skill_runs where org_id = $1 and id = $2', [orgId, id]);
      return row;
    },

    /**
     * A run the caller may see: it, or a run it is part of (a composition shows its whole tree to whoever may see
     * the composition), is visible to them.
     */
    async getVisibleRun(caller: Caller, id: string): Promise<RunRow | undefined> {
      const where = new Where();
      const run = where.param(id);
      const org = where.param(caller.orgId);
      const visible = runVisible('cr', viewer(where, caller));
      const [row] = await db.query<RunRow>(
        `with recursive chain (id, parent_run_id) as (
           select id, parent_run_id from skill_runs where id = ${run} and org_id = ${org}
           union all
           select p.id, p.parent_run_id from skill_runs p join chain on p.id = chain.parent_run_id
         )
         select r.* from skill_runs r where r.id = ${run} and r.org_id = ${org} and exists (
           select 1 from chain join skill_runs cr on cr.id = chain.id where ${visible})`,
        where.params,
      );
      return row;
    },

    /** A page of the runs the caller may see, newest first. */
    listRuns(caller: Caller, filter: RunFilter, page: { cursor?: string; limit: number }) {
      const where = new Where();
      where.add(() => runVisible('r', viewer(where, caller)));
      if (filter.status) where.add((p) => `r.status = ${p}`, filter.status);
      if (filter.skillId) where.add((p) => `r.skill_id = ${p}::uuid`, filter.skillId);
      if (filter.skillName) where.add((p) => `r.skill_name = ${p}`, filter.skillName);
      if (filter.parentRunId) where.add((p) => `r.parent_run_id = ${p}::uuid`, filter.parentRunId);
      if (filter.since) where.add((p) => `r.created_at >= ${p}::timestamptz`, filter.since);
      return keysetPage<RunRow>(db, { select: 'r.*', from: 'skill_runs r', alias: 'r', where, ...page });
    },

    childrenOf(orgId: string, parentId: string): Promise<RunRow[]> {
      return db.query<RunRow>(
        'select * from skill_runs where org_id = $1 and parent_run_id = $2 order by created_at, id',
        [orgId, parentId],
      );
    },

    /**
     * The runs `rootId` composed, at any depth, oldest first within a level: at most `limit` rows, nearest levels
     * first, so a huge composition is cut at its far end.
     */
    descendantsOf(orgId: string, rootId: string, limit: number): Promise<RunRow[]> {
      return db.query<RunRow>(
        `with recursive tree (id, level) as (
           select id, 1 from skill_runs where org_id = $1 and parent_run_id = $2
           union all
           select c.id, tree.level + 1 from skill_runs c join tree on c.parent_run_id = tree.id
           where c.org_id = $1
         )
         select r.* from skill_runs r join tree on tree.id = r.id
         order by tree.level, r.created_at, r.id limit $3`,
        [orgId, rootId, limit],
      );
    },

    /**
     * Artifacts of these runs and of every run they composed (ctx.callSkill, chain, parallel): what a composition
     * produced belongs to it. `root_run_id` says which of the given runs each artifact belongs to.
     */
    async artifactsOf(runIds: string[]): Promise<(ArtifactRow & { root_run_id: string })[]> {
      if (runIds.length === 0) return [];
      return db.query<ArtifactRow & { root_run_id: string }>(
        `with recursive tree (root_run_id, id) as (
           select r.id, r.id from skill_runs r where r.id = any($1::uuid[])
           union all
           select tree.root_run_id, c.id from skill_runs c join tree on c.parent_run_id = tree.id
         )
         select a.*, tree.root_run_id from skill_artifacts a join tree on a.run_id = tree.id
         order by a.created_at, a.id`,
        [runIds],
      );
    },

    async getArtifact(orgId: string, id: string): Promise<ArtifactRow | undefined> {
      const [row] = await db.query<ArtifactRow>('select * from skill_artifacts where org_id = $1 and id = $2', [
        orgId,
        id,
      ]);
      return row;
    },
  };
}

export type RunStore = ReturnType<typeof createRunStore>;
