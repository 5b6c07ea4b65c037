/**
 * The host-side guard of one run. isolated-vm's own `timeout` pauses during host calls and ignores awaited
 * promises, so wall-clock time, CPU time and out-of-memory disposal are all watched from the worker's event loop,
 * which stays free while the guest runs on isolated-vm's thread pool.
 */
import type ivm from 'isolated-vm';

export type Trip = 'timeout' | 'cpu' | 'memory' | 'rss' | 'waiting';

export interface WatchdogOptions {
  isolate: ivm.Isolate;
  /** Epoch ms at which the run times out. */
  wallDeadline: number;
  cpuMs: number;
  /** Called once, for the first limit crossed. */
  onTrip: (trip: Trip) => void;
  /** True once the worker itself disposed the isolate (so a disposal is not mistaken for an OOM). */
  disposedByUs: () => boolean;
  /**
   * The worker process's RSS ceiling: memory the isolate's heap limit does not see (native allocations,
   * WebAssembly where a pool allows it) still shows up here.
   */
  maxRssBytes?: number;
  /**
   * CPU the guest may spend while it waits for a child run (ctx.callSkill): the child runs on the parent's slot,
   * so a parent that computes meanwhile would run two isolates on one slot.
   */
  waitingCpuMs?: number;
  /** Whether the guest has a child run in flight right now. */
  waitingForChild?: () => boolean;
  intervalMs?: number;
}

export class Watchdog {
  #peak = 0;
  readonly #rssAtStart = process.memoryUsage.rss();
  #rssPeak = this.#rssAtStart;
  #lastCpuMs = 0;
  #cpuWhileWaiting = 0;
  #sampling = false;
  #tripped = false;
  readonly #timeout: NodeJS.Timeout;
  readonly #interval: NodeJS.Timeout;
  /** CPU the isolate spent before the run (bootstrap while warming), not billed to the run. */
  readonly #cpuBaseline: number;

  constructor(private readonly options: WatchdogOptions) {
    this.#cpuBaseline = this.#rawCpuMs();
    this.#timeout = setTimeout(() => this.#trip('timeout'), Math.max(0, options.wallDeadline - Date.now()));
    this.#interval = setInterval(() => this.#check(), options.intervalMs ?? 10);
  }

  /** The isolate's peak (heap and ArrayBuffers), or the worker's RSS growth since the run started if larger. */
  get peakBytes(): number {
    return Math.max(this.#peak, this.#rssPeak - this.#rssAtStart);
  }

  /** CPU the guest used while waiting for a child run. */
  get cpuWhileWaitingMs(): number {
    return this.#cpuWhileWaiting;
  }

  #trip(trip: Trip): void {
    if (this.#tripped) return;
    this.#tripped = true;
    this.stop();
    this.options.onTrip(trip);
  }

  #check(): void {
    const { isolate } = this.options;
    if (isolate.isDisposed) {
      if (!this.options.disposedByUs()) this.#trip('memory');
      return;
    }
    const rss = process.memoryUsage.rss();
    this.#rssPeak = Math.max(this.#rssPeak, rss);
    if (this.options.maxRssBytes && rss > this.options.maxRssBytes) {
      this.#trip('rss');
      return;
    }
    const cpu = this.cpuMs();
    if (cpu > this.options.cpuMs) {
      this.#trip('cpu');
      return;
    }
    if (this.options.waitingForChild?.()) this.#cpuWhileWaiting += cpu - this.#lastCpuMs;
    this.#lastCpuMs = cpu;
    if (this.#cpuWhileWaiting > (this.options.waitingCpuMs ?? Number.POSITIVE_INFINITY)) {
      this.#trip('waiting');
      return;
    }
    if (!this.#sampling) {
      // Async on purpose: the sync variant would block this thread while the guest holds the isolate.
      this.#sampling = true;
      isolate.getHeapStatistics().then(
        (s) => {
          this.#sampling = false;
          this.record(s);
        },
        () => {
          this.#sampling = false;
        },
      );
    }
  }

  cpuMs(): number {
    return Math.max(0, this.#rawCpuMs() - this.#cpuBaseline);
  }

  #rawCpuMs(): number {
    try {
      return Number(this.options.isolate.cpuTime) / 1e6;
    } catch {
      return 0;
    }
  }

  record(stats: ivm.HeapStatistics): void {
    this.#peak = Math.max(this.#peak, stats.used_heap_size + stats.externally_allocated_size);
  }

  stop(): void {
    clearTimeout(this.#timeout);
    clearInterval(this.#interval);
  }
}
