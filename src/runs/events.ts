/**
 * Live run events for `GET /runs/{id}/events`. Runs executing in this process keep every event they emitted, so a
 * subscriber that arrives late gets the whole story first; finished runs are replayed from their persisted row
 * (logs, artifacts, child runs, final status), so no event is lost across restarts or replicas.
 */
import type { LogLine } from '../runtime/types.ts';
import type { ArtifactDto, RunDto } from './schemas.ts';

export type RunEvent =
  | { event: 'status'; data: { id: string; status: string } }
  | { event: 'log'; data: LogLine }
  /** The same object live and replayed: `toArtifact` of the artifact's row. */
  | { event: 'artifact'; data: ArtifactDto }
  | { event: 'child'; data: { id: string; skill: string | null; status: string } }
  | { event: 'done'; data: RunDto };

interface Channel {
  events: RunEvent[];
  listeners: Set<(event: RunEvent) => void>;
  /** Where a queued run's events are persisted for other replicas (`event-log.ts`). */
  sink?: (event: RunEvent) => void;
}

export class RunEvents {
  readonly #channels = new Map<string, Channel>();

  open(runId: string, sink?: (event: RunEvent) => void): void {
    if (!this.#channels.has(runId)) this.#channels.set(runId, { events: [], listeners: new Set(), sink });
  }

  emit(runId: string, event: RunEvent): void {
    const channel = this.#channels.get(runId);
    if (!channel) return;
    channel.events.push(event);
    channel.sink?.(event);
    for (const listener of channel.listeners) listener(event);
    if (event.event === 'done') this.#channels.delete(runId);
  }

  /** The events so far and every later one, ending with `done`; undefined when the run is not live here. */
  subscribe(runId: string, signal?: AbortSignal): AsyncIterable<RunEvent> | undefined {
    const channel = this.#channels.get(runId);
    if (!channel) return undefined;
    const queue = [...channel.events];
    let wake: (() => void) | undefined;
    const listener = (event: RunEvent) => {
      queue.push(event);
      wake?.();
    };
    channel.listeners.add(listener);
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    return {
      async *[Symbol.asyncIterator]() {
        try {
          while (!signal?.aborted) {
            const next = queue.shift();
            if (!next) {
              await new Promise<void>((resolve) => {
                wake = resolve;
              });
              wake = undefined;
              continue;
            }
            yield next;
            if (next.event === 'done') return;
          }
        } finally {
          channel.listeners.delete(listener);
          signal?.removeEventListener('abort', onAbort);
        }
      },
    };
  }
}

/** The events of a finished run, rebuilt from its row: logs, artifacts and children in time order, then `done`. */
export function replayFinished(
  run: RunDto,
  children: { id: string; skill: string | null; status: string; created_at: string }[],
): RunEvent[] {
  const timed: [string, RunEvent][] = [
    ...run.logs.map((l): [string, RunEvent] => [l.time, { event: 'log', data: l }]),
    ...run.artifacts.map((a): [string, RunEvent] => [a.created_at, { event: 'artifact', data: a }]),
    ...children.map((c): [string, RunEvent] => [
      c.created_at,
      { event: 'child', data: { id: c.id, skill: c.skill, status: c.status } },
    ]),
  ];
  timed.sort((a, b) => a[0].localeCompare(b[0]));
  return [
    { event: 'status', data: { id: run.id, status: 'running' } },
    ...timed.map(([, e]) => e),
    { event: 'done', data: run },
  ];
}
