/**
 * Keeps a few pre-created, never-used isolates warm so a run does not pay for isolate + context creation and the
 * guest bootstrap. Each isolate serves exactly one run and is then disposed; refills happen off the hot path.
 */
import { readFileSync } from 'node:fs';
import ivm from 'isolated-vm';

/** The worker-side target of the guest's single `send` callback; swapped in per run. */
export type SendHandler = (op: unknown, callId: unknown, args: unknown) => unknown;

export interface PreparedIsolate {
  isolate: ivm.Isolate;
  context: ivm.Context;
  /** The bootstrap's `control` function. Only the worker holds this Reference; the guest never sees one. */
  control: ivm.Reference<(...args: unknown[]) => unknown>;
  memoryMb: number;
  /** Set by the run that takes the isolate; the guest's callback forwards here. */
  binding: { handler: SendHandler | null };
}

/**
 * What the guest may use beyond plain JavaScript, per isolate pool. JavaScript skills get neither: WebAssembly
 * memory (and SharedArrayBuffer, reachable through it) lives outside the V8 heap that `memoryLimit` bounds, and
 * FinalizationRegistry callbacks can run after a run ended and its isolate was disposed. A pool for a
 * WebAssembly runtime (Pyodide) turns them on for its own isolates and relies on the worker's RSS ceiling.
 */
export interface GuestCapabilities {
  /** `WebAssembly` and `SharedArrayBuffer`. */
  webAssembly: boolean;
  /** `FinalizationRegistry` (cleanup callbacks outside the run's control flow). */
  finalizers: boolean;
}

export const SKILL_CAPABILITIES: GuestCapabilities = { webAssembly: false, finalizers: false };

export interface IsolatePoolOptions {
  /** How many warm isolates to keep for the most recently used memory limit. */
  size: number;
  onCatastrophicError: (message: string) => void;
  /** Default: none (`SKILL_CAPABILITIES`). */
  capabilities?: GuestCapabilities;
}

/**
 * The guest bootstrap as one strict-mode function expression of the `send` callback and the capabilities,
 * returning `control`. Strict mode everywhere: `CallSite.getFunction()` / `getThis()` (Error.prepareStackTrace) and
 * `fn.caller` give a guest nothing for strict frames, so no bootstrap function is reachable from skill code.
 */
function guestSource(): string {
  const read = (file: string) => readFileSync(new URL(`./guest/${file}`, import.meta.url), 'utf8').trim();
  const strip = (src: string) => src.replace(/;\s*$/, '');
  return (
    // Each file is one function expression preceded by comments, hence the parentheses (ASI after `return`).
    `(function ($0, $1) {\n'use strict';\n` +
    'if (!$1.webAssembly) { delete globalThis.WebAssembly; delete globalThis.SharedArrayBuffer; }\n' +
    'if (!$1.finalizers) { delete globalThis.FinalizationRegistry; }\n' +
    `(\n${strip(read('globals.js'))}\n)(globalThis);\n` +
    `(\n${strip(read('url.js'))}\n)(globalThis);\n` +
    `return (\n${strip(read('bootstrap.js'))}\n)(globalThis, $0);\n})`
  );
}

export class IsolatePool {
  readonly #warm: PreparedIsolate[] = [];
  readonly #source = guestSource();
  /**
   * V8 code cache of the bootstrap, produced by the first isolate of this process and reused by the next ones
   * (about 1 ms less per isolate). Only ever host-produced: cached data from users is unsafe (CVE-2022-39266).
   */
  #cachedData: ivm.ExternalCopy<ArrayBuffer> | undefined;
  #warmMemoryMb = 0;
  #filling = false;
  #closed = false;

  constructor(private readonly options: IsolatePoolOptions) {}

  async create(memoryMb: number): Promise<PreparedIsolate> {
    const isolate = new ivm.Isolate({
      memoryLimit: memoryMb,
      onCatastrophicError: this.options.onCatastrophicError,
    });
    try {
      // The synchronous API costs about 40% less CPU per isolate than the async one (measured here: 3.0 ms vs
      // 5.1 ms for isolate + context + bootstrap), and this runs between jobs, off the hot path.
      const context = isolate.createContextSync();
      const binding: PreparedIsolate['binding'] = { handler: null };
      const send = new ivm.Callback((op: unknown, callId: unknown, args: unknown) => {
        // Never throw across the boundary: a thrown host error would carry host frames into the guest.
        try {
          return binding.handler ? binding.handler(op, callId, args) : { name: 'Error', message: 'No active run' };
        } catch {
          return { name: 'Error', message: 'Host call failed' };
        }
      });
      const script = isolate.compileScriptSync(this.#source, {
        filename: 'osk:bootstrap',
        ...(this.#cachedData ? { cachedData: this.#cachedData } : { produceCachedData: true }),
      });
      // The typings omit it, but with produceCachedData the returned script carries `cachedData`.
      const produced = (script as ivm.Script & { cachedData?: ivm.ExternalCopy<ArrayBuffer> }).cachedData;
      if (!this.#cachedData && produced) this.#cachedData = produced;
      // The bootstrap function is only held by this Reference, never stored where the guest could reach it.
      const bootstrap = script.runSync(context, { reference: true }) as ivm.Reference<(...args: unknown[]) => unknown>;
      const capabilities = new ivm.ExternalCopy({ ...(this.options.capabilities ?? SKILL_CAPABILITIES) });
      const control = bootstrap.applySync(undefined, [send, capabilities.copyInto()], {
        result: { reference: true },
      }) as unknown as PreparedIsolate['control'];
      bootstrap.release();
      script.release();
      return { isolate, context, control, memoryMb, binding };
    } catch (error) {
      if (!isolate.isDisposed) isolate.dispose();
      throw error;
    }
  }

  /** A never-used isolate with this memory limit: a warm one when available, else a new one. */
  async take(memoryMb: number): Promise<PreparedIsolate> {
    if (memoryMb !== this.#warmMemoryMb) {
      this.#drain();
      this.#warmMemoryMb = memoryMb;
    }
    const warm = this.#warm.pop();
    this.refill();
    return warm ?? this.create(memoryMb);
  }

  /** Tops the pool up after the current macrotask so it never delays a run that is starting. */
  refill(): void {
    if (this.#filling || this.#closed || this.options.size <= 0 || this.#warmMemoryMb === 0) return;
    this.#filling = true;
    setImmediate(async () => {
      try {
        while (!this.#closed && this.#warm.length < this.options.size) {
          const memoryMb = this.#warmMemoryMb;
          const prepared = await this.create(memoryMb);
          if (this.#closed || memoryMb !== this.#warmMemoryMb) prepared.isolate.dispose();
          else this.#warm.push(prepared);
        }
      } catch {
        // A failed warm-up only costs latency; the next take() creates its isolate inline.
      } finally {
        this.#filling = false;
      }
    });
  }

  #drain(): void {
    for (const p of this.#warm.splice(0)) if (!p.isolate.isDisposed) p.isolate.dispose();
  }

  close(): void {
    this.#closed = true;
    this.#drain();
  }
}
