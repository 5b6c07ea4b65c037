/**
 * Figures about an organisation's skills, runs and artifacts, as the caller may see them: the console's dashboard
 * reads them, and a `GET /stats` route can serve the same object. Every query is one aggregate over an indexed time
 * window (or a count), so the cost does not grow with what the page shows.
 *
 * @example
 * const stats = createStats({ db, clock });
 * const { runs } = await stats.overview(caller, { hours: 24 });
 */
import { z } from 'zod';
import type { Caller } from '../auth/caller.ts';
import type { Clock } from '../clock.ts';
import type { Queryable } from '../db/database.ts';
import { Where } from '../db/where.ts';
import { FINAL_STATUSES, RunStatusSchema } from '../runtime/schemas.ts';
import { iso } from '../schemas.ts';
import { runVisible, skillVisible, viewer } from '../skills/visibility.ts';

const HOUR_MS = 3600 * 1000;
/** The longest window an overview covers (hourly buckets). */
export const MAX_OVERVIEW_HOURS = 24 * 7;

const count = (description: string) => z.number().int().meta({ description, example: 12 });
const StatusCountsSchema = z
  .partialRecord(RunStatusSchema, z.number().int())
  .meta({ description: 'Runs by status (statuses with none are left out)', example: { succeeded: 9, failed: 1 } });

export const StatsOverviewSchema = z
  .object({
    since: z.string().meta({ description: 'Start of the window (the start of an hour)', format: 'date-time' }),
    until: z.string().meta({ description: 'End of the window (now)', format: 'date-time' }),
    skills: count('Skills the caller sees'),
    runs: z.object({
      total: count('Runs in the window'),
      by_status: StatusCountsSchema,
      by_hour: z
        .array(z.object({ hour: z.string().meta({ format: 'date-time' }), counts: StatusCountsSchema }))
        .meta({ description: 'One entry per hour of the window, oldest first' }),
      success_rate: z
        .number()
        .nullable()
        .meta({ description: 'Succeeded / finished runs in the window; null when none finished', example: 0.9 }),
      failure_rate: z.number().nullable().meta({
        description:
          'Finished runs that did not succeed (failed, timed out, cancelled) / finished runs; null when none',
        example: 0.1,
      }),
      latency_ms: z
        .object({ avg: z.number().nullable(), p50: z.number().nullable(), p95: z.number().nullable() })
        .meta({ description: 'Duration percentiles of the finished runs in the window' }),
    }),
    artifacts: z
      .object({ count: count('Artifacts stored'), bytes: count('Their total size in bytes') })
      .meta({ description: 'Artifacts of the runs the caller sees, all time' }),
  })
  .meta({ id: 'StatsOverview' });

export type StatsOverview = z.infer<typeof StatsOverviewSchema>;
type StatusCounts = StatsOverview['runs']['by_status'];

/** Runs (alias `r`) the caller sees, created at or after `since`. */
function runsSince(caller: Caller, since: Date): Where {
  const where = new Where();
  where.add(() => runVisible('r', viewer(where, caller)));
  return where.add((p) => `r.created_at >= ${p}::timestamptz`, since.toISOString());
}

export function createStats(deps: { db: Queryable; clock: Clock }) {
  const { db } = deps;

  async function countSkills(caller: Caller): Promise<number> {
    const where = new Where();
    where.add(() => skillVisible('s', viewer(where, caller)));
    const [row] = await db.query<{ n: number }>(
      `select count(*)::int as n from skills s where ${where.sql}`,
      where.params,
    );
    return row?.n ?? 0;
  }

  /** Counts by hour (hours since the epoch, so the buckets do not depend on the session's time zone) and status. */
  function runsByHour(caller: Caller, since: Date) {
    const where = runsSince(caller, since);
    return db.query<{ hour: number; status: string; n: number }>(
      `select floor(extract(epoch from r.created_at) / 3600)::int as hour, r.status, count(*)::int as n
       from skill_runs r where ${where.sql} group by 1, 2`,
      where.params,
    );
  }

  async function latency(caller: Caller, since: Date) {
    const where = runsSince(caller, since);
    const finished = where.param([...FINAL_STATUSES]);
    const [row] = await db.query<{ avg: number | null; p50: number | null; p95: number | null }>(
      `select avg(r.duration_ms)::float8 as avg, percentile_cont(0.5) within group (order by r.duration_ms)::float8 as p50,
              percentile_cont(0.95) within group (order by r.duration_ms)::float8 as p95
       from skill_runs r where ${where.sql} and r.status = any(${finished}::text[]) and r.duration_ms is not null`,
      where.params,
    );
    // Durations are whole milliseconds; an interpolated percentile is kept to a tenth of one.
    const round = (ms: number | null | undefined) =>
      ms === null || ms === undefined ? null : Math.round(ms * 10) / 10;
    return { avg: round(row?.avg), p50: round(row?.p50), p95: round(row?.p95) };
  }

  async function artifacts(caller: Caller) {
    const where = new Where();
    where.add(() => runVisible('r', viewer(where, caller)));
    const [row] = await db.query<{ n: number; bytes: number }>(
      `select count(*)::int as n, coalesce(sum(a.size_bytes), 0)::float8 as bytes
       from skill_artifacts a join skill_runs r on r.id = a.run_id where ${where.sql}`,
      where.params,
    );
    return { count: row?.n ?? 0, bytes: row?.bytes ?? 0 };
  }

  return {
    /** The last `hours` hours (the current one included) in hourly buckets, and all-time counts. */
    async overview(caller: Caller, options: { hours?: number } = {}): Promise<StatsOverview> {
      const hours = Math.min(Math.max(1, Math.floor(options.hours ?? 24)), MAX_OVERVIEW_HOURS);
      const now = deps.clock.now();
      const firstHour = Math.floor(now.getTime() / HOUR_MS) - hours + 1;
      const since = new Date(firstHour * HOUR_MS);
      const [skills, rows, latency_ms, stored] = await Promise.all([
        countSkills(caller),
        runsByHour(caller, since),
        latency(caller, since),
        artifacts(caller),
      ]);
      const buckets = Array.from({ length: hours }, (): StatusCounts => ({}));
      const byStatus: StatusCounts = {};
      for (const row of rows) {
        const status = row.status as keyof StatusCounts;
        const bucket = buckets[row.hour - firstHour];
        if (bucket) bucket[status] = (bucket[status] ?? 0) + row.n;
        byStatus[status] = (byStatus[status] ?? 0) + row.n;
      }
      const total = rows.reduce((sum, row) => sum + row.n, 0);
      const finished = FINAL_STATUSES.reduce((sum, status) => sum + (byStatus[status] ?? 0), 0);
      return {
        since: iso(since),
        until: iso(now),
        skills,
        runs: {
          total,
          by_status: byStatus,
          by_hour: buckets.map((counts, i) => ({ hour: iso(new Date((firstHour + i) * HOUR_MS)), counts })),
          success_rate: finished > 0 ? (byStatus.succeeded ?? 0) / finished : null,
          failure_rate: finished > 0 ? (finished - (byStatus.succeeded ?? 0)) / finished : null,
          latency_ms,
        },
        artifacts: stored,
      };
    },
  };
}

export type Stats = ReturnType<typeof createStats>;
