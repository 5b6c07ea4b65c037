/**
 * Admission order for runs waiting for a sandbox slot. isolated-vm's native thread pool spawns extra threads
 * instead of queueing, so the sandbox bounds how many runs execute at once and the rest wait here.
 *
 * Children of runs already admitted (ctx.callSkill, chain and parallel steps) go first, so admitted work finishes
 * before new work starts. Within each class the next slot goes to the tenant (organisation) with the fewest
 * running runs, then to the one served least recently, then first come first served: a tenant with many queued
 * runs delays another tenant's run by at most one slot.
 */

export interface QueueEntry {
  tenant: string;
  /** A child of an admitted run. */
  child: boolean;
}

export class FairQueue<T extends QueueEntry> {
  /** Waiting entries by class, then by tenant, each lane in arrival order. */
  readonly #lanes = [new Map<string, T[]>(), new Map<string, T[]>()];
  readonly #lastServed = new Map<string, number>();
  #served = 0;
  #size = 0;

  /** `running(tenant)`: how many slots the tenant holds now. */
  constructor(private readonly running: (tenant: string) => number) {}

  get size(): number {
    return this.#size;
  }

  push(entry: T): void {
    const lanes = this.#lanes[entry.child ? 0 : 1]!;
    const lane = lanes.get(entry.tenant);
    if (lane) lane.push(entry);
    else lanes.set(entry.tenant, [entry]);
    this.#size++;
  }

  /** Removes a waiting entry (cancelled, timed out); false when it was not waiting. */
  remove(entry: T): boolean {
    const lanes = this.#lanes[entry.child ? 0 : 1]!;
    const lane = lanes.get(entry.tenant);
    const i = lane?.indexOf(entry) ?? -1;
    if (!lane || i < 0) return false;
    lane.splice(i, 1);
    if (lane.length === 0) lanes.delete(entry.tenant);
    this.#size--;
    return true;
  }

  /** The entry the next free slot goes to, removed from the queue; entries failing `eligible` are passed over. */
  shift(eligible: (entry: T) => boolean = () => true): T | undefined {
    for (const lanes of this.#lanes) {
      let best: T | undefined;
      for (const [tenant, lane] of lanes) {
        if (best !== undefined && !this.#before(tenant, best.tenant)) continue;
        best = lane.find(eligible) ?? best;
      }
      if (best !== undefined) return this.#take(best);
    }
    return undefined;
  }

  /** The first waiting entry that satisfies `test` (a child of a given parent), removed from the queue. */
  take(test: (entry: T) => boolean): T | undefined {
    for (const lanes of this.#lanes) {
      for (const lane of lanes.values()) {
        const found = lane.find(test);
        if (found) return this.#take(found);
      }
    }
    return undefined;
  }

  #take(entry: T): T {
    this.remove(entry);
    this.#lastServed.set(entry.tenant, ++this.#served);
    return entry;
  }

  /** Whether `a` should be served before `b`: fewer running, then served less recently. */
  #before(a: string, b: string): boolean {
    const running = this.running(a) - this.running(b);
    if (running !== 0) return running < 0;
    return (this.#lastServed.get(a) ?? 0) < (this.#lastServed.get(b) ?? 0);
  }
}
