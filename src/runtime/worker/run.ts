/**
 * Executes one job in one never-used isolate: load the modules, launch `run(input, ctx)` through the bootstrap,
 * race it against the watchdog, and turn whatever happened into a `WorkerRunResult`. The isolate is always
 * disposed at the end.
 */
import type { HostOp, WorkerRunResult } from '../protocol.ts';
import type { RunError, RunErrorType, SandboxJob, SandboxResult } from '../types.ts';
import { HostBridge } from './host-bridge.ts';
import type { IsolatePool, PreparedIsolate } from './isolate-pool.ts';
import { loadModules, ModuleLoadError } from './modules.ts';
import { StackMapper } from './stack.ts';
import { type Trip, Watchdog } from './watchdog.ts';

interface Stop {
  status: SandboxResult['status'];
  type: RunErrorType;
  message: string;
}

type Outcome = { json: string } | { error: RunError } | { stop: Stop };

const MEMORY_DISPOSED = /disposed during execution due to memory limit/i;
/** How long to wait for a guest promise to settle after an OOM before declaring the worker tainted. */
const SETTLE_GRACE_MS = 250;

export interface RunDeps {
  isolates: IsolatePool;
  /** Sends a host call for this run to the parent. */
  forward: (callId: number, op: HostOp, args: unknown) => void;
}

export class WorkerRun {
  #stop: Stop | null = null;
  #onStop: (stop: Stop) => void = () => {};
  readonly #stopped = new Promise<{ stop: Stop }>((resolve) => {
    this.#onStop = (stop) => resolve({ stop });
  });
  #prepared: PreparedIsolate | null = null;
  #disposedByUs = false;

  constructor(
    private readonly job: SandboxJob,
    private readonly deps: RunDeps,
  ) {}

  /** Ends the run with this outcome (first call wins) and kills the guest by disposing its isolate. */
  stop(status: Stop['status'], type: RunErrorType, message: string): void {
    if (this.#stop) return;
    this.#stop = { status, type, message };
    this.#dispose();
    this.#onStop(this.#stop);
  }

  cancel(): void {
    this.stop('cancelled', 'cancelled', 'The run was cancelled');
  }

  /** Hands the answer of a forwarded host call to the waiting guest promise. */
  deliver(callId: number, ok: boolean, payload: unknown): void {
    const prepared = this.#prepared;
    if (!prepared || this.#stop || prepared.isolate.isDisposed) return;
    prepared.control.apply(undefined, ['deliver', callId, ok, payload], { arguments: { copy: true } }).catch(() => {
      // The isolate went away meanwhile; the run's outcome is decided elsewhere.
    });
  }

  #dispose(): void {
    const prepared = this.#prepared;
    if (!prepared) return;
    prepared.binding.handler = null;
    if (!prepared.isolate.isDisposed) {
      this.#disposedByUs = true;
      prepared.isolate.dispose();
    }
  }

  async execute(): Promise<{ result: WorkerRunResult; retire: boolean }> {
    const { job } = this;
    const { limits } = job;
    const startedAt = Date.now();
    const bridge = new HostBridge({
      limits,
      forward: this.deps.forward,
      fail: (type, message) => this.stop('failed', type, message),
    });
    const finish = (outcome: Outcome, cpuMs: number, peak: number): WorkerRunResult => ({
      ...this.#describe(outcome),
      logs: bridge.logs,
      usage: { wall_ms: Date.now() - startedAt, cpu_ms: Math.round(cpuMs * 1000) / 1000, memory_peak_bytes: peak },
    });

    let prepared: PreparedIsolate;
    try {
      prepared = await this.deps.isolates.take(limits.memoryMb);
    } catch (error) {
      const message = `Could not create an isolate: ${(error as Error).message}`;
      return { result: finish({ error: { type: 'infrastructure_error', message } }, 0, 0), retire: false };
    }
    this.#prepared = prepared;
    if (this.#stop) {
      this.#dispose();
      return { result: finish({ stop: this.#stop }, 0, 0), retire: false };
    }
    prepared.binding.handler = bridge.handle;

    const watchdog = new Watchdog({
      isolate: prepared.isolate,
      wallDeadline: Math.min(job.deadline, startedAt + limits.timeoutMs),
      cpuMs: limits.cpuMs,
      disposedByUs: () => this.#disposedByUs,
      onTrip: (trip) => this.#trip(trip),
    });
    const launched = this.#launch(prepared);
    const outcome = await Promise.race([launched, this.#stopped]);
    watchdog.stop();
    const cpuMs = watchdog.cpuMs();
    if (!prepared.isolate.isDisposed) {
      try {
        watchdog.record(prepared.isolate.getHeapStatisticsSync());
      } catch {
        // Usage is best effort.
      }
    }
    if (!this.#stop) {
      // The guest finished: dispose after the result is on its way (dispose costs about 1 ms of this thread).
      prepared.binding.handler = null;
      this.#disposedByUs = true;
      setImmediate(() => {
        if (!prepared.isolate.isDisposed) prepared.isolate.dispose();
      });
    }
    prepared.control.release();

    const result = finish(outcome, cpuMs, watchdog.peakBytes);
    let retire = false;
    if (result.error?.type === 'memory_limit' && 'stop' in outcome) {
      // isolated-vm sometimes disposes an OOM isolate but keeps its thread busy (measured on these machines; see
      // ../shared/notes/runtime.md); if the guest's promise does not settle, this process is no longer trustworthy
      // and the pool replaces it.
      const settled = await Promise.race([
        launched.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(resolve, SETTLE_GRACE_MS, false)),
      ]);
      retire = !settled;
    }
    return { result, retire };
  }

  #trip(trip: Trip): void {
    const { limits } = this.job;
    if (trip === 'timeout')
      this.stop('timed_out', 'timeout', `The run exceeded its time limit (${limits.timeoutMs} ms)`);
    else if (trip === 'cpu') this.stop('failed', 'cpu_limit', `The run exceeded its CPU limit (${limits.cpuMs} ms)`);
    else this.stop('failed', 'memory_limit', `The run exceeded its memory limit (${limits.memoryMb} MB)`);
  }

  /** Never rejects: every failure becomes an outcome. */
  async #launch(prepared: PreparedIsolate): Promise<Outcome> {
    const { job } = this;
    try {
      const entry = await loadModules(prepared.isolate, prepared.context, job.entrypoint, job.modules);
      await entry.evaluate();
      const meta = JSON.stringify({
        input: job.input ?? null,
        run: { id: job.runId, skill: job.skill.name, version: job.skill.version },
        secrets: job.secrets,
        maxOutputBytes: job.limits.maxOutputBytes,
      });
      const value = await prepared.control.apply(undefined, ['launch', entry.namespace.derefInto(), meta], {
        result: { promise: true, copy: true },
      });
      if (typeof value === 'string') return { json: value };
      const [type, name, message, stack] = (Array.isArray(value) ? value : []).map(String);
      return {
        error: this.#guestError((type ?? 'skill_error') as RunErrorType, name ?? 'Error', message ?? '', stack),
      };
    } catch (error) {
      if (this.#stop) return { stop: this.#stop };
      if (error instanceof ModuleLoadError) return { error: { type: 'skill_error', message: error.message } };
      const e = error as Partial<Error>;
      if (MEMORY_DISPOSED.test(String(e.message))) {
        return { stop: { status: 'failed', type: 'memory_limit', message: this.#memoryMessage() } };
      }
      return { error: this.#guestError('skill_error', String(e.name ?? 'Error'), String(e.message ?? e), e.stack) };
    }
  }

  #memoryMessage(): string {
    return `The run exceeded its memory limit (${this.job.limits.memoryMb} MB)`;
  }

  #guestError(type: RunErrorType, name: string, message: string, stack: string | undefined): RunError {
    // An ArrayBuffer that cannot be allocated is the isolate's memory limit speaking, not a skill bug.
    if (type === 'skill_error' && name === 'RangeError' && /^Array buffer allocation failed/.test(message)) {
      return { type: 'memory_limit', message: this.#memoryMessage() };
    }
    const mapper = new StackMapper(this.job.modules, this.job.sourceMaps);
    return {
      type,
      message: name === 'Error' ? message : `${name}: ${message}`,
      stack: mapper.map(name, message, stack),
    };
  }

  #describe(outcome: Outcome): Pick<WorkerRunResult, 'status' | 'outputJson' | 'error'> {
    if ('stop' in outcome) {
      const { status, type, message } = outcome.stop;
      return { status, error: { type, message } };
    }
    if ('error' in outcome) {
      const status = outcome.error.type === 'timeout' ? 'timed_out' : 'failed';
      return { status, error: outcome.error };
    }
    const max = this.job.limits.maxOutputBytes;
    if (Buffer.byteLength(outcome.json) > max) {
      return { status: 'failed', error: { type: 'output_too_large', message: `Output is larger than ${max} bytes` } };
    }
    return { status: 'succeeded', outputJson: outcome.json };
  }
}
