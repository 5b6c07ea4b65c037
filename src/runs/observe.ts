/**
 * What operators see of a run's life: one log line per state change (queued, started, ended) with the run, user,
 * org and request ids, and the run metrics (`telemetry/metrics.ts`) when the server keeps them.
 */
import type { Caller } from '../auth/caller.ts';
import type { Queryable } from '../db/database.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { Tracing } from '../telemetry/tracing.ts';
import type { RunRow } from './rows.ts';
import type { RunDto } from './schemas.ts';

/** The part of the metrics the run modules feed. */
export type RunMetrics = Pick<Metrics, 'runEnded' | 'queueWait'>;

const ids = (row: Pick<RunRow, 'id' | 'user_id' | 'org_id' | 'parent_run_id'>, caller?: Caller) => ({
  run_id: row.id,
  user_id: row.user_id,
  org_id: row.org_id,
  ...(row.parent_run_id ? { parent_run_id: row.parent_run_id } : {}),
  ...(caller?.requestId ? { request_id: caller.requestId } : {}),
});

export function runStateLogged(logger: Logger, row: RunRow, state: 'queued' | 'started', caller?: Caller): void {
  logger.info({ ...ids(row, caller), skill: row.skill_name ?? row.kind, version: row.version, state }, `run ${state}`);
}

/** The run a composition started from (for a child run's trace). */
async function rootOf(db: Queryable, id: string): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `with recursive up (id, parent_run_id, level) as (
       select id, parent_run_id, 0 from skill_runs where id = $1
       union all
       select p.id, p.parent_run_id, up.level + 1 from skill_runs p join up on p.id = up.parent_run_id
     )
     select id from up where parent_run_id is null order by level desc limit 1`,
    [id],
  );
  return row?.id ?? id;
}

export interface RunObservers {
  logger: Logger;
  db: Queryable;
  metrics?: RunMetrics;
  tracing?: Pick<Tracing, 'runEnded'>;
}

/** A run reached its final status: its log line, its metrics, its trace (in the background). */
export function runEnded({ logger, db, metrics, tracing }: RunObservers, row: RunRow, run: RunDto): void {
  metrics?.runEnded(run);
  if (tracing) {
    if (!row.parent_run_id) tracing.runEnded(row, run, row.id);
    else
      void rootOf(db, row.parent_run_id)
        .then((root) => tracing.runEnded(row, run, root))
        .catch((error) => logger.warn({ err: error, run_id: row.id }, 'run trace not recorded'));
  }
  logger.info(
    {
      ...ids(row),
      skill: run.skill,
      state: run.status,
      duration_ms: run.duration_ms,
      ...(run.error ? { error_type: run.error.type } : {}),
    },
    'run ended',
  );
}
