/**
 * What operators see of a run's life: one log line per state change (queued, started, ended) with the run, user,
 * org and request ids, and the run metrics (`telemetry/metrics.ts`) when the server keeps them.
 */
import type { Caller } from '../auth/caller.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
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

/** A run reached its final status. */
export function runEnded(logger: Logger, metrics: RunMetrics | undefined, row: RunRow, run: RunDto): void {
  metrics?.runEnded(run);
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
