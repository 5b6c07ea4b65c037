/**
 * Runs through the shared job queue (`jobs/run-queue.ts`): asynchronous runs, and every run with RUN_MODE=queue.
 * The replica that accepts a run writes its row and its job in one transaction (files sent with it go to the blob
 * store, which replicas share); whichever replica takes the job executes it, persisting its events for streams on
 * other replicas. Cancelling works from any replica: a queued run is taken off the queue, a running one is
 * cancelled by the replica running it (asked with NOTIFY), or marked when no replica holds it any more.
 */
import type { Caller } from '../auth/caller.ts';
import type { Database } from '../db/database.ts';
import type { JobAttempt, RunJob, RunQueue } from '../jobs/run-queue.ts';
import type { Logger } from '../telemetry/logger.ts';
import { type EventLog, requestCancel } from './event-log.ts';
import { ORPHANED_RUN_ERROR } from './recovery.ts';
import { isFinal, type RunRow } from './rows.ts';

/** How long a cancel waits for the replica running the run to end it before marking it itself. */
const CANCEL_WAIT_MS = 10_000;

/** What the queued path needs beside the run modules. */
export interface QueuedRuns {
  queue: RunQueue;
  eventLog: EventLog;
  /** RUN_MODE=queue: synchronous runs go through the queue too (the request waits for the run's end). */
  all: boolean;
}

/** Files sent with a run, stored where every replica reads them; returns name -> key. */
export async function storeRunFiles(
  blobs: { put(key: string, data: Uint8Array, opts: { contentType: string }): Promise<void> },
  runId: string,
  files: ReadonlyMap<string, Uint8Array>,
): Promise<[string, string][]> {
  const keys: [string, string][] = [];
  let n = 0;
  for (const [name, data] of files) {
    const key = `run-inputs/${runId}/${n++}`;
    await blobs.put(key, data, { contentType: 'application/octet-stream' });
    keys.push([name, key]);
  }
  return keys;
}

/** Marks a queued (or, retried, a running) run as running on this replica; false when it already ended. */
export async function claimRun(db: Database, id: string, startedAt: Date): Promise<RunRow | undefined> {
  const [row] = await db.query<RunRow>(
    `update skill_runs set status = 'running', started_at = $2
     where id = $1 and status in ('queued', 'running') returning *`,
    [id, startedAt],
  );
  return row;
}

/** Cancels a run no replica has started; false when one has (or it ended). */
async function cancelIfQueued(db: Database, id: string, at: Date): Promise<boolean> {
  const rows = await db.query(
    `update skill_runs set status = 'cancelled', error = $2, error_type = 'cancelled', finished_at = $3
     where id = $1 and status = 'queued' returning id`,
    [id, JSON.stringify({ type: 'cancelled', message: 'The run was cancelled' }), at],
  );
  return rows.length > 0;
}

/** Ends the run of a job that failed past its retry: its replicas died, or it expired twice. */
export async function failLostRun(db: Database, job: RunJob, at: Date, logger: Logger): Promise<void> {
  const rows = await db.query(
    `update skill_runs set status = 'failed', error = $2, error_type = $3, finished_at = $4,
       duration_ms = coalesce(duration_ms, 0)
     where id = $1 and status in ('queued', 'running') returning id`,
    [job.runId, JSON.stringify(ORPHANED_RUN_ERROR), ORPHANED_RUN_ERROR.type, at],
  );
  if (rows.length > 0) logger.warn({ run_id: job.runId }, 'run lost by its replicas ended as infrastructure_error');
}

/**
 * Cancels a run that is not live in this process. Resolves once it has ended (or after CANCEL_WAIT_MS, when no
 * replica holds it any more and it is marked here).
 */
export async function cancelElsewhere(
  db: Database,
  id: string,
  now: () => Date,
  readRow: () => Promise<RunRow | undefined>,
): Promise<void> {
  // Its job stays queued: the replica that takes it finds the run ended and only deletes the run's files.
  if (await cancelIfQueued(db, id, now())) return;
  await requestCancel(db, id);
  const until = Date.now() + CANCEL_WAIT_MS;
  while (Date.now() < until) {
    const row = await readRow();
    if (!row || isFinal(row.status)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await db.query(
    `update skill_runs set status = 'cancelled', error = $2, error_type = 'cancelled', finished_at = $3
     where id = $1 and status in ('queued', 'running')`,
    [id, JSON.stringify({ type: 'cancelled', message: 'The run was cancelled' }), now()],
  );
}

export type { Caller, JobAttempt, RunJob };
