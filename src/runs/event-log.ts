/**
 * Persisted events of queued runs, so `GET /runs/{id}/events` works from any replica: the replica executing a run
 * appends each event (in order, numbered) to `run_events` and NOTIFYs `open_skills_run_events` with the run id;
 * a stream elsewhere reads the rows it has not seen whenever it is woken (or every second), from the first, until
 * `done`. A run that ended without a persisted `done` (cancelled while queued, or failed after its replicas died)
 * ends its stream with the `done` of its final row.
 */
import type { Database } from '../db/database.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { RunEvent } from './events.ts';

export const RUN_EVENTS_CHANNEL = 'open_skills_run_events';
/** How long a stream waits for a notification before it reads again anyway (a lost NOTIFY, a dead replica). */
const POLL_MS = 1000;

interface Appender {
  seq: number;
  tail: Promise<void>;
}

export function createEventLog(db: Database, logger: Logger) {
  const appenders = new Map<string, Appender>();
  const waiters = new Map<string, Set<() => void>>();
  let unlisten: (() => Promise<void>) | undefined;

  const wake = (runId: string) => {
    for (const resolve of waiters.get(runId) ?? []) resolve();
  };

  /** Resolves on the next notification for `runId`, after POLL_MS, or on abort. */
  function nextWake(runId: string, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = waiters.get(runId) ?? new Set();
      waiters.set(runId, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) waiters.delete(runId);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, POLL_MS);
      set.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  async function write(runId: string, seq: number, event: RunEvent): Promise<void> {
    await db.query('insert into run_events (run_id, seq, event, data) values ($1, $2, $3, $4)', [
      runId,
      seq,
      event.event,
      JSON.stringify(event.data),
    ]);
    await db.query('select pg_notify($1, $2)', [RUN_EVENTS_CHANNEL, runId]);
  }

  return {
    async start(): Promise<void> {
      unlisten = await db.listen(RUN_EVENTS_CHANNEL, wake);
    },

    /**
     * Appends `event` to the run's log after the ones before it. A failed write is logged: the run goes on, and
     * its final row still ends every stream.
     */
    append(runId: string, event: RunEvent, firstSeq = 0): void {
      const appender = appenders.get(runId) ?? { seq: firstSeq, tail: Promise.resolve() };
      appenders.set(runId, appender);
      const seq = appender.seq++;
      appender.tail = appender.tail.then(() =>
        write(runId, seq, event).catch((error) =>
          logger.warn({ err: error, run_id: runId, event: event.event }, 'run event not persisted'),
        ),
      );
      if (event.event === 'done') {
        const { tail } = appender;
        void tail.then(() => {
          if (appenders.get(runId) === appender) appenders.delete(runId);
        });
      }
    },

    /** Resolves when every event appended so far for `runId` is written. */
    async flushed(runId: string): Promise<void> {
      await appenders.get(runId)?.tail;
    },

    /** The next sequence number of a run's log (a retried run continues its log). */
    async nextSeq(runId: string): Promise<number> {
      const [row] = await db.query<{ next: number }>(
        'select coalesce(max(seq) + 1, 0)::int as next from run_events where run_id = $1',
        [runId],
      );
      return row?.next ?? 0;
    },

    /**
     * The run's events from the first, then each new one as it is written, ending with `done`. `ended` returns
     * the run's events rebuilt from its row when the row is final (undefined while it runs): all of them when none
     * was persisted (a run that never went through the queue), else its `done`.
     */
    async *tail(runId: string, ended: () => Promise<RunEvent[] | undefined>, signal?: AbortSignal) {
      let next = 0;
      while (!signal?.aborted) {
        const final = await ended();
        const rows = await db.query<{ seq: number; event: RunEvent['event']; data: unknown }>(
          'select seq, event, data from run_events where run_id = $1 and seq >= $2 order by seq',
          [runId, next],
        );
        for (const row of rows) {
          next = row.seq + 1;
          yield { event: row.event, data: row.data } as RunEvent;
          if (row.event === 'done') return;
        }
        if (final) {
          if (next === 0) yield* final;
          else if (final.length > 0) yield final.at(-1)!;
          return;
        }
        await nextWake(runId, signal);
      }
    },

    async close(): Promise<void> {
      await Promise.allSettled([...appenders.values()].map((a) => a.tail));
      await unlisten?.().catch(() => {});
    },
  };
}

export type EventLog = ReturnType<typeof createEventLog>;

export const RUN_CANCEL_CHANNEL = 'open_skills_run_cancel';

/** Asks every replica to cancel `runId` (the one running it does). */
export async function requestCancel(db: Database, runId: string): Promise<void> {
  await db.query('select pg_notify($1, $2)', [RUN_CANCEL_CHANNEL, runId]);
}

/** Calls `onCancel` with the id of every run a replica was asked to cancel; resolves with the function that stops. */
export function listenForCancels(db: Database, onCancel: (runId: string) => void) {
  return db.listen(RUN_CANCEL_CHANNEL, onCancel);
}
