/**
 * One supervised worker process, seen from the parent. It forwards runs and host calls, answers for the worker
 * when it cannot (crash, hang, wedged isolate) and kills it when it stops answering heartbeats, overruns a run's
 * hard deadline or grows past its RSS ceiling (checked here too, in case the worker's own event loop is wedged).
 * The pool replaces a worker once its `exited` promise settles.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dispatchHostCall } from './host-dispatch.ts';
import { fromJsonMessage, toJsonMessage } from './ipc-json.ts';
import { emptyUsage, failureResult, type ParentMessage, type WorkerMessage, type WorkerRunResult } from './protocol.ts';
import type { LogLine, SandboxHost, SandboxJob, SandboxResult } from './types.ts';
import type { WorkerOptions } from './worker/main.ts';

export interface WorkerHandleOptions {
  workerPath: string;
  execArgv: string[];
  worker: WorkerOptions;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  /** Extra time after a run's deadline before the parent assumes the worker is wedged and kills it. */
  killGraceMs: number;
  /** A worker not ready after this long is killed (and replaced by the pool). */
  startTimeoutMs: number;
  /**
   * The Node binary that runs workers when this process is not Node (the API on Deno): spawned with JSON IPC
   * (`ipc-json.ts`). Unset: workers are forked from this Node process with advanced serialization.
   */
  nodeBinary?: string;
}

/** The parent kills a worker whose RSS passes its ceiling by this factor (the worker itself acts at 1x). */
const PARENT_RSS_FACTOR = 1.2;

/** Resident memory of a process in bytes, from /proc (Linux); undefined elsewhere or when it is gone. */
function residentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return Number.isFinite(pages) ? pages * 4096 : undefined;
  } catch {
    return undefined;
  }
}

interface InFlight {
  host: SandboxHost;
  /** Log lines already handed to the host as they came (the result repeats them). */
  streamedLogs: number;
  startedAt: number;
  timer: NodeJS.Timeout;
  settle: (result: SandboxResult) => void;
}

export class WorkerHandle {
  readonly child: ChildProcess;
  /** Resolves when the worker can take runs; rejects if it exits first. */
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  /** Set when the worker asked to be replaced; it gets no new runs and stops once idle. */
  retiring = false;
  #alive = true;
  #isReady = false;
  #nextRid = 1;
  #lastPong = Date.now();
  /** Outcome for a run whose overrun made us kill the worker; every other in-flight run gets infrastructure_error. */
  #killedFor: { rid: number; result: SandboxResult } | null = null;
  /** Outcome for every in-flight run when the worker was killed for all of them (RSS ceiling). */
  #killedForAll: SandboxResult | null = null;
  /** True when the worker has no run and no isolate left (it said `idle`). */
  #idle = true;
  #onIdle: (() => void)[] = [];
  readonly #runs = new Map<number, InFlight>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(private readonly options: WorkerHandleOptions) {
    this.child = startWorkerProcess(options);
    let onReady: () => void = () => {};
    let onEarlyExit: (error: Error) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onEarlyExit = reject;
    });
    this.ready.catch(() => {});
    this.exited = new Promise<void>((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.#onExit(code, signal);
        onEarlyExit(new Error(`Sandbox worker exited before it was ready (code ${code}, signal ${signal})`));
        resolve();
      });
    });
    this.child.on('error', () => this.kill());
    this.child.on('message', (raw: WorkerMessage) => {
      const message = this.#json ? (fromJsonMessage(raw) as WorkerMessage) : raw;
      if (message.t === 'ready') {
        this.#isReady = true;
        this.#lastPong = Date.now();
        onReady();
      } else this.#onMessage(message);
    });
    this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatIntervalMs);
    this.#heartbeat.unref();
    const startTimer = setTimeout(() => this.kill(), options.startTimeoutMs);
    startTimer.unref();
    void this.ready.then(
      () => clearTimeout(startTimer),
      () => clearTimeout(startTimer),
    );
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get #json(): boolean {
    return this.options.nodeBinary !== undefined;
  }

  #post(message: ParentMessage): void {
    this.child.send(this.#json ? (toJsonMessage(message) as ParentMessage) : message);
  }

  /** True when the worker can take a new run now. */
  get available(): boolean {
    return this.#alive && this.#isReady && !this.retiring && this.child.connected;
  }

  get load(): number {
    return this.#runs.size;
  }

  get alive(): boolean {
    return this.#alive;
  }

  get idle(): boolean {
    return this.#idle;
  }

  /** Resolves true once the worker is idle, false if it is not within `timeoutMs` (or exits first). */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.#idle) return Promise.resolve(true);
    if (!this.#alive) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#onIdle.push(() => {
        clearTimeout(timer);
        resolve(this.#idle);
      });
    });
  }

  #settleIdleWaiters(): void {
    for (const wake of this.#onIdle.splice(0)) wake();
  }

  run(job: SandboxJob, host: SandboxHost, signal?: AbortSignal): Promise<SandboxResult> {
    const rid = this.#nextRid++;
    const startedAt = Date.now();
    return new Promise<SandboxResult>((resolve) => {
      const hardDeadline = Math.min(job.deadline, startedAt + job.limits.timeoutMs) + this.options.killGraceMs;
      const onAbort = () => {
        this.#send({ t: 'cancel', rid });
        settle(failureResult('cancelled', 'cancelled', 'The run was cancelled', Date.now() - startedAt));
      };
      const settle = (result: SandboxResult) => {
        if (!this.#runs.has(rid)) return;
        clearTimeout(inFlight.timer);
        signal?.removeEventListener('abort', onAbort);
        this.#runs.delete(rid);
        if (this.retiring && this.#runs.size === 0) this.kill();
        resolve(result);
      };
      const inFlight: InFlight = {
        host,
        streamedLogs: 0,
        startedAt,
        settle,
        timer: setTimeout(() => {
          // The worker's own watchdog should have ended the run long ago: its event loop is wedged.
          const message = 'The run did not stop at its deadline; its worker was killed';
          this.#killedFor = { rid, result: failureResult('timed_out', 'timeout', message, Date.now() - startedAt) };
          this.kill();
        }, hardDeadline - startedAt),
      };
      this.#runs.set(rid, inFlight);
      this.#idle = false;
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        this.#post({ t: 'run', rid, job });
      } catch (error) {
        const type = this.child.connected ? 'invalid_input' : 'infrastructure_error';
        settle(failureResult('failed', type, `The job cannot be sent to a worker: ${String(error)}`));
      }
    });
  }

  /** Kills the process; in-flight runs are settled by the exit handler. */
  kill(): void {
    if (!this.#alive) return;
    this.#alive = false;
    this.child.kill('SIGKILL');
  }

  #send(message: ParentMessage): void {
    if (!this.#alive || !this.child.connected) return;
    try {
      this.#post(message);
    } catch {
      // A reply that cannot be serialised or a closing channel; the run's watchdog ends it.
    }
  }

  #beat(): void {
    if (!this.#alive || !this.#isReady) return;
    if (Date.now() - this.#lastPong > this.options.heartbeatTimeoutMs) {
      this.kill();
      return;
    }
    const ceiling = this.options.worker.maxRssBytes;
    const rss = ceiling ? residentBytes(this.pid) : undefined;
    if (ceiling && rss !== undefined && rss > ceiling * PARENT_RSS_FACTOR) {
      const message = `The run exceeded its memory limit (its worker passed ${Math.round(ceiling / 1024 / 1024)} MB)`;
      this.#killedForAll = { ...failureResult('failed', 'memory_limit', message), usage: emptyUsage(0, rss) };
      this.kill();
      return;
    }
    this.#send({ t: 'ping', n: Date.now() });
  }

  #onMessage(message: WorkerMessage): void {
    switch (message.t) {
      case 'pong':
        this.#lastPong = Date.now();
        return;
      case 'hostCall': {
        const run = this.#runs.get(message.rid);
        if (!run) return;
        const { rid, callId } = message;
        dispatchHostCall(run.host, message.op, message.args).then((reply) => {
          if (this.#runs.has(rid)) this.#send({ t: 'hostResult', rid, callId, ...reply } as ParentMessage);
        });
        return;
      }
      case 'idle':
        if (message.retire) this.retiring = true;
        if (this.#runs.size === 0) this.#idle = true;
        if (this.retiring && this.#runs.size === 0) this.kill();
        this.#settleIdleWaiters();
        return;
      case 'log': {
        const run = this.#runs.get(message.rid);
        if (!run) return;
        run.streamedLogs++;
        emitLog(run.host, message.line);
        return;
      }
      case 'result': {
        if (message.retire) this.retiring = true;
        const run = this.#runs.get(message.rid);
        if (!run) {
          if (this.retiring && this.#runs.size === 0) this.kill();
          return;
        }
        run.settle(toSandboxResult(message.result, run.host, run.streamedLogs));
        return;
      }
    }
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.#alive = false;
    clearInterval(this.#heartbeat);
    for (const [rid, run] of [...this.#runs]) {
      if (this.#killedForAll)
        run.settle({
          ...this.#killedForAll,
          usage: { ...this.#killedForAll.usage, wall_ms: Date.now() - run.startedAt },
        });
      else if (this.#killedFor?.rid === rid) run.settle(this.#killedFor.result);
      else {
        const message = `The sandbox worker stopped during the run (code ${code}, signal ${signal})`;
        run.settle(failureResult('failed', 'infrastructure_error', message, Date.now() - run.startedAt));
      }
    }
    this.#settleIdleWaiters();
  }
}

/** Forks the worker from this Node process, or spawns it with `nodeBinary` and JSON IPC (see the option). */
function startWorkerProcess(options: WorkerHandleOptions): ChildProcess {
  const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
  if (options.nodeBinary === undefined) {
    return fork(options.workerPath, [JSON.stringify(options.worker)], {
      execArgv: options.execArgv,
      serialization: 'advanced',
      stdio,
    });
  }
  const worker = JSON.stringify({ ...options.worker, jsonIpc: true });
  return spawn(options.nodeBinary, [...options.execArgv, options.workerPath, worker], { serialization: 'json', stdio });
}

function emitLog(host: SandboxHost, line: LogLine): void {
  try {
    host.log(line);
  } catch {
    // A failing log sink must not change the run's outcome.
  }
}

/** The run's result; log lines the worker did not stream while it ran are handed to the host now. */
function toSandboxResult(result: WorkerRunResult, host: SandboxHost, streamed: number): SandboxResult {
  for (const line of result.logs.slice(streamed)) emitLog(host, line);
  const out: SandboxResult = { status: result.status, logs: result.logs, usage: result.usage };
  // JSON.parse creates own properties only, so a guest `__proto__` key cannot reach any prototype.
  if (result.outputJson !== undefined) out.output = JSON.parse(result.outputJson);
  if (result.error) out.error = result.error;
  return out;
}
