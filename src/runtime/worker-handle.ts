/**
 * One supervised worker process, seen from the parent. It forwards runs and host calls, answers for the worker
 * when it cannot (crash, hang, wedged isolate) and kills it when it stops answering heartbeats or overruns a
 * run's hard deadline. The pool replaces a worker once its `exited` promise settles.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { dispatchHostCall } from './host-dispatch.ts';
import { failureResult, type ParentMessage, type WorkerMessage, type WorkerRunResult } from './protocol.ts';
import type { SandboxHost, SandboxJob, SandboxResult } from './types.ts';
import type { WorkerOptions } from './worker/main.ts';

export interface WorkerHandleOptions {
  workerPath: string;
  execArgv: string[];
  worker: WorkerOptions;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  /** Extra time after a run's deadline before the parent assumes the worker is wedged and kills it. */
  killGraceMs: number;
}

interface InFlight {
  host: SandboxHost;
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
  readonly #runs = new Map<number, InFlight>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor(private readonly options: WorkerHandleOptions) {
    this.child = fork(options.workerPath, [JSON.stringify(options.worker)], {
      execArgv: options.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
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
    this.child.on('message', (message: WorkerMessage) => {
      if (message.t === 'ready') {
        this.#isReady = true;
        this.#lastPong = Date.now();
        onReady();
      } else this.#onMessage(message);
    });
    this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatIntervalMs);
    this.#heartbeat.unref();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True when the worker can take a new run now. */
  get available(): boolean {
    return this.#alive && this.#isReady && !this.retiring && this.child.connected;
  }

  get load(): number {
    return this.#runs.size;
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
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        this.child.send({ t: 'run', rid, job } satisfies ParentMessage);
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
      this.child.send(message);
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
      case 'result': {
        if (message.retire) this.retiring = true;
        const run = this.#runs.get(message.rid);
        if (!run) {
          if (this.retiring && this.#runs.size === 0) this.kill();
          return;
        }
        run.settle(toSandboxResult(message.result, run.host));
        return;
      }
    }
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.#alive = false;
    clearInterval(this.#heartbeat);
    for (const [rid, run] of [...this.#runs]) {
      if (this.#killedFor?.rid === rid) run.settle(this.#killedFor.result);
      else {
        const message = `The sandbox worker stopped during the run (code ${code}, signal ${signal})`;
        run.settle(failureResult('failed', 'infrastructure_error', message, Date.now() - run.startedAt));
      }
    }
  }
}

function toSandboxResult(result: WorkerRunResult, host: SandboxHost): SandboxResult {
  for (const line of result.logs) {
    try {
      host.log(line);
    } catch {
      // A failing log sink must not change the run's outcome.
    }
  }
  const out: SandboxResult = { status: result.status, logs: result.logs, usage: result.usage };
  // JSON.parse creates own properties only, so a guest `__proto__` key cannot reach any prototype.
  if (result.outputJson !== undefined) out.output = JSON.parse(result.outputJson);
  if (result.error) out.error = result.error;
  return out;
}
