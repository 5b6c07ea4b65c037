/**
 * The queue of runs shared by every replica: pg-boss on the run database (its own small pool on a PostgreSQL
 * server; the embedded PGlite instance in process). A job is a run id and what is needed to execute it; the run
 * row stays the source of truth. Any replica takes any job; a job whose replica dies is expired after the run's
 * timeout plus a margin and retried once, then it fails into a dead-letter queue whose handler ends the run.
 *
 * @example
 * const queue = await startRunQueue({ db, logger, expiryMarginSeconds: 30 });
 * await queue.work({ concurrency: 4 }, (job, attempt) => runs.executeJob(job, attempt));
 * await queue.enqueue(job, { timeoutMs: 30_000 });
 */
import { fromPglite, PgBoss } from 'pg-boss';
import type { Caller } from '../auth/caller.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { RunRequest } from '../runs/schemas.ts';
import type { Logger } from '../telemetry/logger.ts';

const RUNS = 'open-skills.runs';
const DEAD = 'open-skills.runs.dead';

/** What a replica needs to execute a queued run; the input is read from the run row. */
export interface RunJob {
  runId: string;
  caller: Caller;
  request: Omit<RunRequest, 'input'>;
  /** Files sent with the run: name -> blob key (`run-inputs/<run id>/<n>`). */
  files: [string, string][];
  timeoutMs: number;
}

/** The attempt a replica holds: retried after a replica died, and aborted when the queue takes the job back. */
export interface JobAttempt {
  retryCount: number;
  signal: AbortSignal;
}

export interface RunQueueOptions {
  db: Database;
  logger: Logger;
  /** Seconds past a run's timeout before its job counts as lost (its replica died) and is retried or failed. */
  expiryMarginSeconds: number;
  /** How often expired jobs are looked for, in seconds. */
  monitorSeconds?: number;
}

export interface QueueDepth {
  queued: number;
  active: number;
}

/** pg-boss over a transaction of ours, so a run row and its job are written together or not at all. */
function inTransaction(tx: Queryable) {
  return { executeSql: async (text: string, values?: unknown[]) => ({ rows: await tx.query(text, values ?? []) }) };
}

function bossFor(options: RunQueueOptions): PgBoss {
  const connection = options.db.queueConnection;
  if (!connection) throw new Error('This database cannot carry the run queue');
  const monitor = options.monitorSeconds ?? 5;
  const common = {
    useListenNotify: true,
    superviseIntervalSeconds: monitor,
    monitorIntervalSeconds: monitor,
    instanceName: 'open-skills',
    schedule: false,
  };
  if (connection.kind === 'postgres') {
    return new PgBoss({ ...common, connectionString: connection.url, max: 3, application_name: 'open-skills queue' });
  }
  return new PgBoss({
    ...common,
    backend: 'pglite',
    db: fromPglite(connection.pglite as Parameters<typeof fromPglite>[0]),
  });
}

/** Starts pg-boss (installing or migrating its schema under its own lock) and creates the run queues. */
export async function startRunQueue(options: RunQueueOptions) {
  const { logger } = options;
  const boss = bossFor(options);
  boss.on('error', (error) => logger.error({ err: error }, 'run queue error'));
  await boss.start();
  await boss.createQueue(DEAD, { retryLimit: 0 });
  // One retry: a replica that died mid-run gets its run executed once more elsewhere, never a third time.
  await boss.createQueue(RUNS, { retryLimit: 1, retryDelay: 0, deadLetter: DEAD, notify: true });
  const margin = Math.max(1, Math.round(options.expiryMarginSeconds));
  let workers: [string, string][] = [];

  return {
    /** Queues `job` for its run (in the transaction `tx` when given: with the run row). */
    async enqueue(job: RunJob, timing: { timeoutMs: number }, tx?: Queryable): Promise<void> {
      await boss.send(RUNS, job as unknown as object, {
        id: job.runId,
        expireInSeconds: Math.ceil(timing.timeoutMs / 1000) + margin,
        ...(tx ? { db: inTransaction(tx) } : {}),
      });
    },

    /**
     * Takes jobs: up to `concurrency` at once in this process. `onDead` ends the run of a job that failed past its
     * retry (its replicas died or it expired twice).
     */
    async work(
      settings: { concurrency: number },
      handler: (job: RunJob, attempt: JobAttempt) => Promise<void>,
      onDead: (job: RunJob) => Promise<void>,
    ): Promise<void> {
      // One registration per slot, so each knows its worker: after a job it wakes that worker to fetch again at
      // once (a backlog drains at the sandbox's pace, not one job per polling interval).
      const runs = await Promise.all(
        Array.from({ length: settings.concurrency }, async () => {
          let id = '';
          id = await boss.work<RunJob>(
            RUNS,
            { pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 2 },
            async ([job]) => {
              try {
                if (job) await handler(job.data, { retryCount: job.retryCount, signal: job.signal });
              } finally {
                boss.notifyWorker(id);
              }
            },
          );
          return id;
        }),
      );
      const dead = await boss.work<RunJob>(DEAD, { pollingIntervalSeconds: 1 }, async ([job]) => {
        if (job) await onDead(job.data);
      });
      workers = [...runs.map((id): [string, string] => [RUNS, id]), [DEAD, dead]];
    },

    /** Takes the job of a run off the queue when no replica has started it. */
    async cancel(runId: string): Promise<void> {
      await boss.cancel(RUNS, runId).catch((error) => logger.warn({ err: error, run_id: runId }, 'job not cancelled'));
    },

    /** Jobs waiting (created or retried) and being worked on, for /metrics. */
    async depth(): Promise<QueueDepth> {
      const queue = await boss.getQueue(RUNS);
      return { queued: Number(queue?.queuedCount ?? 0), active: Number(queue?.activeCount ?? 0) };
    },

    /** Stops taking new jobs; jobs in hand go on. */
    async stopTaking(): Promise<void> {
      await Promise.all(workers.map(([name, id]) => boss.offWork(name, { id, wait: false }).catch(() => {})));
      workers = [];
    },

    /** Stops pg-boss; jobs still in hand stay active until they expire and are retried elsewhere. */
    async close(): Promise<void> {
      await boss.stop({ graceful: false, close: true, timeout: 1000 });
    },
  };
}

export type RunQueue = Awaited<ReturnType<typeof startRunQueue>>;
