import type { Clock } from '../clock.ts';

/**
 * A small map whose entries expire `ttlMs` after they were loaded, by the injected clock. Authentication caches
 * token records and member roles in it: a change made on another replica is seen once the entry expires (at most
 * `ttlMs` later), a change made here is seen at once because the writer deletes the entry.
 *
 * @example
 * const roles = new TtlCache<string, Role | null>(1000, clock);
 * const role = await roles.get(`${org}\0${user}`, () => members.roleOf(org, user));
 */
export class TtlCache<K, V> {
  readonly #entries = new Map<K, { value: V; loadedAt: number }>();

  constructor(
    readonly ttlMs: number,
    private readonly clock: Clock,
    private readonly maxEntries = 10_000,
  ) {}

  /** The cached value, or `load()`'s (cached for `ttlMs`). */
  async get(key: K, load: () => Promise<V>): Promise<V> {
    const now = this.clock.now().getTime();
    const hit = this.#entries.get(key);
    if (hit && now - hit.loadedAt < this.ttlMs) return hit.value;
    const value = await load();
    this.#entries.delete(key);
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value as K);
    this.#entries.set(key, { value, loadedAt: now });
    return value;
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }
}
