/**
 * Executes one job in one never-used isolate: load the modules, launch `run(input, ctx)` through the bootstrap,
 * race it against the watchdog, and turn whatever happened into a `WorkerRunResult`. The isolate is always
 * disposed at the end.
 */
import { jsonTextProblem, withoutNul } from '../../json-bounds.ts';
import { inputError, validateOutput } from '../io-validation.ts';
import type { HostOp, WorkerRunResult } from '../protocol.ts';
import type { LogLine, RunError, RunErrorType, SandboxJob, SandboxResult } from '../types.ts';
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
/** Error texts leave the worker capped (the bootstrap caps them first, inside the isolate). */
const MAX_MESSAGE_CHARS = 8 * 1024;
const MAX_STACK_CHARS = 16 * 1024;
/** CPU a parent may use while a ctx.callSkill child runs on its slot (promise plumbing, a few log lines). */
const WAITING_CPU_MS = 250;

/** Field errors kept per run (a huge invalid array would otherwise list one per item). */
const MAX_FIELD_ERRORS = 50;

const capText = (text: string, max: number) =>
  withoutNul(text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters]` : text);

export interface RunDeps {
  isolates: IsolatePool;
  /** Sends a host call for this run to the parent. */
  forward: (callId: number, op: HostOp, args: unknown) => void;
  /** The worker's RSS ceiling in bytes; passing it ends the run with memory_limit and retires the worker. */
  maxRssBytes?: number;
  /** Sends a log line of this run to the parent as it is written. */
  log?: (line: LogLine) => void;
}

export class WorkerRun {
  #stop: Stop | null = null;
  #onStop: (stop: Stop) => void = () => {};
  readonly #stopped = new Promise<{ stop: Stop }>((resolve) => {
    this.#onStop = (stop) => resolve({ stop });
  });
  #prepared: PreparedIsolate | null = null;
  #disposedByUs = false;
  #bridge: HostBridge | null = null;
  #onDisposed: () => void = () => {};
  /** Settles once this run's isolate is gone (or was never created): the worker is idle only after that. */
  readonly disposed = new Promise<void>((resolve) => {
    this.#onDisposed = resolve;
  });

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
    this.#bridge?.answered(callId, ok, payload);
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
    this.#onDisposed();
  }

  async execute(): Promise<{ result: WorkerRunResult; retire: boolean }> {
    const { job } = this;
    const { limits } = job;
    const startedAt = Date.now();
    const bridge = new HostBridge({
      limits,
      forward: this.deps.forward,
      onLog: this.deps.log,
      fail: (type, message) => this.stop('failed', type, message),
    });
    this.#bridge = bridge;
    const finish = (outcome: Outcome, cpuMs: number, peak: number): WorkerRunResult => ({
      ...this.#describe(outcome, bridge.artifactRefs),
      logs: bridge.logs,
      usage: { wall_ms: Date.now() - startedAt, cpu_ms: Math.round(cpuMs * 1000) / 1000, memory_peak_bytes: peak },
    });
    const refused = this.#refusal();
    if (refused) {
      this.#onDisposed();
      return { result: finish({ error: refused }, 0, 0), retire: false };
    }

    let prepared: PreparedIsolate;
    try {
      prepared = await this.deps.isolates.take(limits.memoryMb);
    } catch (error) {
      this.#onDisposed();
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
      maxRssBytes: this.deps.maxRssBytes,
      waitingCpuMs: WAITING_CPU_MS,
      waitingForChild: () => bridge.waitingForChild,
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
        this.#onDisposed();
      });
    }
    prepared.control.release();

    const result = finish(outcome, cpuMs, watchdog.peakBytes);
    let retire = this.#rssTripped;
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

  #rssTripped = false;

  #trip(trip: Trip): void {
    const { limits } = this.job;
    if (trip === 'timeout')
      this.stop('timed_out', 'timeout', `The run exceeded its time limit (${limits.timeoutMs} ms)`);
    else if (trip === 'cpu') this.stop('failed', 'cpu_limit', `The run exceeded its CPU limit (${limits.cpuMs} ms)`);
    else if (trip === 'rss') {
      // Memory outside the isolate's heap accounting: the worker is recycled, since freed native memory does not
      // always return to the system.
      this.#rssTripped = true;
      const ceiling = Math.round((this.deps.maxRssBytes ?? 0) / 1024 / 1024);
      this.stop('failed', 'memory_limit', `The run exceeded its memory limit (its worker passed ${ceiling} MB)`);
    } else if (trip === 'waiting') {
      this.stop(
        'failed',
        'limit_exceeded',
        `The run used more than ${WAITING_CPU_MS} ms of CPU while its ctx.callSkill child held its slot; await children before computing further`,
      );
    } else this.stop('failed', 'memory_limit', `The run exceeded its memory limit (${limits.memoryMb} MB)`);
  }

  /** The input check, before any isolate exists: invalid input never reaches the skill. */
  #refusal(): RunError | undefined {
    const { io, input } = this.job;
    if (!io) return undefined;
    try {
      const error = inputError(io.contract, input, new Set(io.files));
      return error && { ...error, errors: error.errors.slice(0, MAX_FIELD_ERRORS) };
    } catch (error) {
      return {
        type: 'skill_error',
        message: capText(`The input could not be checked: ${(error as Error).message}`, MAX_MESSAGE_CHARS),
      };
    }
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
    const shortMessage = capText(message, MAX_MESSAGE_CHARS);
    return {
      type,
      message: name === 'Error' ? shortMessage : `${capText(name, 256)}: ${shortMessage}`,
      stack: capText(mapper.map(name, shortMessage, stack?.slice(0, MAX_STACK_CHARS * 2)), MAX_STACK_CHARS),
    };
  }

  #describe(
    outcome: Outcome,
    artifacts: ReadonlySet<string>,
  ): Pick<WorkerRunResult, 'status' | 'outputJson' | 'error'> {
    if ('stop' in outcome) {
      const { status, type, message } = outcome.stop;
      return { status, error: { type, message } };
    }
    if ('error' in outcome) {
      const status = outcome.error.type === 'timeout' ? 'timed_out' : 'failed';
      const error = { ...outcome.error, message: capText(outcome.error.message, MAX_MESSAGE_CHARS) };
      return { status, error };
    }
    const max = this.job.limits.maxOutputBytes;
    if (Buffer.byteLength(outcome.json) > max) {
      return { status: 'failed', error: { type: 'output_too_large', message: `Output is larger than ${max} bytes` } };
    }
    const unstorable = jsonTextProblem(outcome.json);
    if (unstorable) {
      return {
        status: 'failed',
        error: { type: 'skill_error', message: `The output cannot be stored: it ${unstorable}` },
      };
    }
    const invalid = this.job.io ? validateOutput(this.job.io.contract, JSON.parse(outcome.json), artifacts) : [];
    if (invalid.length > 0) {
      const message = 'The output does not match the declared outputs';
      return { status: 'failed', error: { type: 'skill_error', message, errors: invalid.slice(0, MAX_FIELD_ERRORS) } };
    }
    return { status: 'succeeded', outputJson: outcome.json };
  }
}
