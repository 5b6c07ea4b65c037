/**
 * Start-up recovery: runs a dead process left `queued` or `running` are ended as `infrastructure_error`, so nothing
 * stays running forever and their event streams (which poll the row) end. One step, called once by the server at
 * start-up (and periodically on PostgreSQL); a later job queue shared by replicas replaces it.
 */
import type { Database } from '../db/database.ts';

export interface RecoveryOptions {
  /**
   * Runs created before this moment are ended. The embedded database belongs to one process, so at start-up every
   * open run is orphaned (now). With PostgreSQL, other replicas may be running theirs: only runs older than the
   * longest a run can live are ended.
   */
  createdBefore: Date;
  now: Date;
}

/** The error an orphaned run ends with. */
export const ORPHANED_RUN_ERROR = {
  type: 'infrastructure_error',
  message: 'The server stopped before the run ended; run it again',
} as const;

/** Ends orphaned runs; returns how many. */
export async function recoverInterruptedRuns(db: Database, options: RecoveryOptions): Promise<number> {
  const rows = await db.query<{ id: string }>(
    `update skill_runs set status = 'failed', error = $1, error_type = $2, finished_at = $3,
       duration_ms = coalesce(duration_ms, 0)
     where status in ('queued', 'running') and created_at < $4 returning id`,
    [JSON.stringify(ORPHANED_RUN_ERROR), ORPHANED_RUN_ERROR.type, options.now, options.createdBefore],
  );
  return rows.length;
}
