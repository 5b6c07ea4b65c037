/**
 * The queue side of one replica: the shared run queue, the persisted event log and the cancel listener, started
 * before the app and attached to its run service once the app exists.
 *
 * @example
 * const jobs = await startQueuedRuns({ db, logger, config });
 * const app = createApp({ ...deps, queued: jobs.queued });
 * await jobs.attach(app.services.runs, { concurrency: 4 });
 */
import type { Database } from '../db/database.ts';
import { createEventLog, listenForCancels } from '../runs/event-log.ts';
import type { QueuedRuns } from '../runs/queued.ts';
import type { RunService } from '../runs/service.ts';
import type { Logger } from '../telemetry/logger.ts';
import { startRunQueue } from './run-queue.ts';

export interface QueuedRunsOptions {
  db: Database;
  logger: Logger;
  /** RUN_MODE=queue: synchronous runs are queued too. */
  all: boolean;
  expiryMarginSeconds: number;
  monitorSeconds: number;
}

export async function startQueuedRuns(options: QueuedRunsOptions) {
  const { db, logger } = options;
  const eventLog = createEventLog(db, logger);
  await eventLog.start();
  const queue = await startRunQueue({
    db,
    logger,
    expiryMarginSeconds: options.expiryMarginSeconds,
    monitorSeconds: options.monitorSeconds,
  });
  const queued: QueuedRuns = { queue, eventLog, all: options.all };
  let stopCancels: (() => Promise<void>) | undefined;

  return {
    queued,

    /** Starts taking jobs for `runs` and answering other replicas' cancels. */
    async attach(runs: RunService, settings: { concurrency: number }): Promise<void> {
      stopCancels = await listenForCancels(db, (runId) => {
        if (runs.cancelLive(runId)) logger.info({ run_id: runId }, 'run cancelled from another replica');
      });
      await queue.work(settings, runs.executeJob, runs.endLostJob);
    },

    /** Stops taking jobs (the first step of a shutdown); runs in hand go on. */
    stopTaking: () => queue.stopTaking(),

    /** Stops the queue and the listeners; call after the runs in hand have ended or been handed back. */
    async close(): Promise<void> {
      await stopCancels?.().catch(() => {});
      await queue.close();
      await eventLog.close();
    },
  };
}

export type QueuedRunsHandle = Awaited<ReturnType<typeof startQueuedRuns>>;
