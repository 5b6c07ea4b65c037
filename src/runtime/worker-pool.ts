/**
 * Keeps `size` supervised worker processes alive and leases them out one run tree at a time: a worker that exits
 * (crash, abort, kill, retirement) is replaced, with a short back-off when workers keep dying before they get
 * ready. A released worker is leased again only after it reported itself idle (every isolate disposed); one that
 * does not within the grace period is killed, so whatever a guest left behind ends with its own lease.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkerHandle, type WorkerHandleOptions } from './worker-handle.ts';

export interface WorkerPoolOptions extends WorkerHandleOptions {
  size: number;
  /** Called whenever a worker may have become free to lease (ready, released, replaced). */
  onFree: () => void;
}

export class WorkerPool {
  readonly #workers = new Set<WorkerHandle>();
  readonly #leased = new Set<WorkerHandle>();
  #closed = false;
  #failedStarts = 0;
  #turn = 0;

  constructor(private readonly options: WorkerPoolOptions) {
    for (let i = 0; i < options.size; i++) this.#spawn();
  }

  #spawn(): void {
    const worker = new WorkerHandle(this.options);
    this.#workers.add(worker);
    let wasReady = false;
    worker.ready.then(
      () => {
        wasReady = true;
        this.#failedStarts = 0;
        this.options.onFree();
      },
      () => {},
    );
    worker.exited.then(async () => {
      this.#workers.delete(worker);
      this.#leased.delete(worker);
      if (this.#closed) return;
      if (!wasReady) {
        this.#failedStarts++;
        await sleep(Math.min(5000, 100 * 2 ** this.#failedStarts));
      }
      if (!this.#closed) this.#spawn();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Workers that are ready (leased or not). */
  get readyCount(): number {
    return [...this.#workers].filter((w) => w.available).length;
  }

  /** Process ids of the live workers (for operations and tests). */
  pids(): number[] {
    return [...this.#workers].flatMap((w) => (w.pid === undefined ? [] : [w.pid]));
  }

  #free(): WorkerHandle[] {
    return [...this.#workers].filter((w) => w.available && w.idle && !this.#leased.has(w));
  }

  /** Whether `lease()` would find a worker now. */
  get hasFree(): boolean {
    return this.#free().length > 0;
  }

  /** A ready, idle worker no run tree holds, now leased to the caller; undefined when none is free. */
  lease(): WorkerHandle | undefined {
    const free = this.#free();
    // Ties rotate so warm-isolate refills are spread across processes.
    const worker = free[this.#turn++ % Math.max(1, free.length)];
    if (worker) this.#leased.add(worker);
    return worker;
  }

  /** Ends a lease: the worker is free again once idle, or killed (and replaced) if it does not get idle in time. */
  release(worker: WorkerHandle): void {
    void worker.whenIdle(this.options.killGraceMs).then((idle) => {
      if (!idle) worker.kill();
      this.#leased.delete(worker);
      this.options.onFree();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const workers = [...this.#workers];
    for (const w of workers) w.kill();
    await Promise.all(workers.map((w) => w.exited));
  }
}
