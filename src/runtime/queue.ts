/**
 * FIFO admission for runs. isolated-vm's native thread pool spawns extra threads instead of queueing, so the
 * sandbox bounds how many runs execute at once and makes the rest wait here in arrival order.
 */

interface Waiter {
  grant: () => void;
}

export class RunQueue {
  #active = 0;
  readonly #waiting: Waiter[] = [];

  constructor(private readonly concurrency: number) {}

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /**
   * Resolves with a release function once a slot is free; rejects with the signal's reason if aborted first.
   * `bypass` admits at once (used for child runs, whose parent already holds a slot and waits for them: queueing
   * them behind their parents could deadlock).
   */
  acquire(signal?: AbortSignal, bypass = false): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const release = this.#releaser();
    if (bypass || this.#active < this.concurrency) {
      this.#active++;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          this.#active++;
          resolve(release);
        },
      };
      const onAbort = () => {
        const i = this.#waiting.indexOf(waiter);
        if (i >= 0) this.#waiting.splice(i, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      while (this.#active < this.concurrency) {
        const next = this.#waiting.shift();
        if (!next) break;
        next.grant();
      }
    };
  }
}
