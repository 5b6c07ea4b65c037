/**
 * Keeps `size` supervised worker processes alive: a worker that exits (crash, abort, kill, retirement) is
 * replaced, with a short back-off when workers keep dying before they get ready.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkerHandle, type WorkerHandleOptions } from './worker-handle.ts';

export interface WorkerPoolOptions extends WorkerHandleOptions {
  size: number;
  /** How long `pick()` waits for a ready worker before giving up. */
  startTimeoutMs: number;
}

export class WorkerPool {
  readonly #workers = new Set<WorkerHandle>();
  #closed = false;
  #failedStarts = 0;
  #turn = 0;
  #changed: () => void = () => {};
  #change = this.#nextChange();

  constructor(private readonly options: WorkerPoolOptions) {
    for (let i = 0; i < options.size; i++) this.#spawn();
  }

  #nextChange(): Promise<void> {
    return new Promise((resolve) => {
      this.#changed = resolve;
    });
  }

  #notify(): void {
    const resolve = this.#changed;
    this.#change = this.#nextChange();
    resolve();
  }

  #spawn(): void {
    const worker = new WorkerHandle(this.options);
    this.#workers.add(worker);
    let wasReady = false;
    worker.ready.then(
      () => {
        wasReady = true;
        this.#failedStarts = 0;
        this.#notify();
      },
      () => {},
    );
    worker.exited.then(async () => {
      this.#workers.delete(worker);
      if (this.#closed) return;
      if (!wasReady) {
        this.#failedStarts++;
        await sleep(Math.min(5000, 100 * 2 ** this.#failedStarts));
      }
      if (!this.#closed) this.#spawn();
    });
  }

  /** Process ids of the live workers (for operations and tests). */
  pids(): number[] {
    return [...this.#workers].flatMap((w) => (w.pid === undefined ? [] : [w.pid]));
  }

  /** The least busy ready worker, waiting for one to start if needed. */
  async pick(): Promise<WorkerHandle> {
    const giveUp = Date.now() + this.options.startTimeoutMs;
    for (;;) {
      if (this.#closed) throw new Error('The sandbox is closed');
      // Least busy first; ties rotate so warm-isolate refills are spread across processes.
      const ready = [...this.#workers].filter((w) => w.available);
      let best: WorkerHandle | undefined;
      for (let i = 0; i < ready.length; i++) {
        const w = ready[(i + this.#turn) % ready.length] as WorkerHandle;
        if (!best || w.load < best.load) best = w;
      }
      if (best) {
        this.#turn++;
        return best;
      }
      const left = giveUp - Date.now();
      if (left <= 0) throw new Error('No sandbox worker became ready in time');
      await Promise.race([this.#change, sleep(Math.min(left, 100))]);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const workers = [...this.#workers];
    for (const w of workers) w.kill();
    await Promise.all(workers.map((w) => w.exited));
  }
}
