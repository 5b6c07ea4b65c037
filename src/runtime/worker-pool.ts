/**
 * Keeps between `minSize` and `size` supervised worker processes alive and leases them out one run tree at a time.
 * `minSize` workers always run: one that exits (crash, abort, kill, retirement) is replaced, with a short back-off
 * when workers keep dying before they get ready. More start when runs wait (`grow`), up to `size`, and a worker
 * above the minimum that nobody leased for `idleMs` stops, so an idle server holds only the minimum. A released
 * worker is leased again only after it reported itself idle (every isolate disposed); one that does not within the
 * grace period is killed, so whatever a guest left behind ends with its own lease.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkerHandle, type WorkerHandleOptions } from './worker-handle.ts';

export interface WorkerPoolOptions extends WorkerHandleOptions {
  /** Most workers at once. */
  size: number;
  /** Workers kept running when there is no work (default `size`: a fixed pool). */
  minSize?: number;
  /** A worker above `minSize` not leased for this long stops (default 60 s). */
  idleMs?: number;
  /** Called whenever a worker may have become free to lease (ready, released, replaced). */
  onFree: () => void;
}

export class WorkerPool {
  readonly #workers = new Set<WorkerHandle>();
  readonly #leased = new Set<WorkerHandle>();
  #closed = false;
  #failedStarts = 0;
  #turn = 0;
  /** When each worker was last released (or started): idle ones above the minimum stop after `idleMs`. */
  readonly #lastUsed = new Map<WorkerHandle, number>();
  readonly #minSize: number;
  readonly #idleMs: number;
  readonly #reaper: NodeJS.Timeout;

  constructor(private readonly options: WorkerPoolOptions) {
    this.#minSize = Math.max(1, Math.min(options.size, options.minSize ?? options.size));
    this.#idleMs = options.idleMs ?? 60_000;
    for (let i = 0; i < this.#minSize; i++) this.#spawn();
    this.#reaper = setInterval(() => this.#stopIdle(), Math.max(50, Math.min(this.#idleMs / 2, 10_000)));
    this.#reaper.unref();
  }

  /** Starts workers for runs that wait, up to `size`: one per waiting run not covered by a free or starting one. */
  grow(waiting: number): void {
    if (this.#closed) return;
    const coming = [...this.#workers].filter((w) => w.alive && !w.available && !w.retiring).length;
    let missing = waiting - coming - this.#free().length;
    while (missing-- > 0 && this.#workers.size < this.options.size) this.#spawn();
  }

  #stopIdle(): void {
    const now = Date.now();
    for (const worker of this.#free()) {
      if (this.#workers.size <= this.#minSize) return;
      if (now - (this.#lastUsed.get(worker) ?? now) < this.#idleMs) continue;
      this.#workers.delete(worker);
      worker.kill();
    }
  }

  #spawn(): void {
    const worker = new WorkerHandle(this.options);
    this.#workers.add(worker);
    this.#lastUsed.set(worker, Date.now());
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
      this.#lastUsed.delete(worker);
      if (this.#closed) return;
      if (!wasReady) {
        this.#failedStarts++;
        await sleep(Math.min(5000, 100 * 2 ** this.#failedStarts));
      }
      // Below the minimum it is replaced; above it, only if runs wait (the sandbox's dispatch calls `grow`).
      if (!this.#closed && this.#workers.size < this.#minSize) this.#spawn();
      else if (!this.#closed) this.options.onFree();
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
      if (this.#workers.has(worker)) this.#lastUsed.set(worker, Date.now());
      this.options.onFree();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#reaper);
    const workers = [...this.#workers];
    for (const w of workers) w.kill();
    await Promise.all(workers.map((w) => w.exited));
  }
}
