/**
 * The sandbox: a FIFO run queue in front of a pool of supervised worker processes, each running every job in a
 * fresh isolated-vm isolate. Isolates never exist in the calling process.
 *
 * @example
 * const sandbox = createSandbox({ size: 2 });
 * const result = await sandbox.execute(job, host, AbortSignal.timeout(5000));
 * await sandbox.close();
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { failureResult } from './protocol.ts';
import { RunQueue } from './queue.ts';
import type { Sandbox, SandboxHost, SandboxJob, SandboxResult } from './types.ts';
import { assertIsolatedVmVersion } from './version.ts';
import { WorkerPool } from './worker-pool.ts';

export interface SandboxOptions {
  /** Worker processes. Default: number of cores. */
  size?: number;
  /** Runs executing at once across all workers. Default: number of cores. */
  concurrency?: number;
  /** Never-used isolates each worker keeps ready. Default 2. */
  warmIsolates?: number;
  /** Default 1000 ms. */
  heartbeatIntervalMs?: number;
  /** A worker silent for this long is killed and replaced. Default 10000 ms. */
  heartbeatTimeoutMs?: number;
  /** Time past a run's deadline after which its worker is considered wedged and killed. Default 1500 ms. */
  killGraceMs?: number;
  /** How long a run waits for a worker to become ready. Default 30000 ms. */
  startTimeoutMs?: number;
  /** Worker entry file; default the bundled `worker/main.ts`. */
  workerPath?: string;
  /** Node flags for workers; default `--no-node-snapshot --import tsx` (tsx lets the worker be TypeScript). */
  execArgv?: string[];
}

export interface ProcessSandbox extends Sandbox {
  /** Process ids of the current workers. */
  workerPids(): number[];
}

function defaultExecArgv(): string[] {
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return ['--no-node-snapshot', '--import', pathToFileURL(tsx).href];
}

export function createSandbox(options: SandboxOptions = {}): ProcessSandbox {
  assertIsolatedVmVersion();
  const cores = availableParallelism();
  const size = Math.max(1, options.size ?? cores);
  const queue = new RunQueue(Math.max(1, options.concurrency ?? cores));
  const pool = new WorkerPool({
    size,
    workerPath: options.workerPath ?? fileURLToPath(new URL('./worker/main.ts', import.meta.url)),
    execArgv: options.execArgv ?? defaultExecArgv(),
    worker: { warmIsolates: options.warmIsolates ?? 2 },
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 10_000,
    killGraceMs: options.killGraceMs ?? 1500,
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
  });

  async function execute(job: SandboxJob, host: SandboxHost, signal?: AbortSignal): Promise<SandboxResult> {
    const queuedAt = Date.now();
    const cancelled = () => failureResult('cancelled', 'cancelled', 'The run was cancelled', Date.now() - queuedAt);
    let release: () => void;
    try {
      release = await queue.acquire(signal, job.depth > 0);
    } catch {
      return cancelled();
    }
    try {
      if (signal?.aborted) return cancelled();
      if (Date.now() >= job.deadline) {
        return failureResult('timed_out', 'timeout', 'The run reached its deadline before it started');
      }
      const worker = await pool.pick();
      return await worker.run(job, host, signal);
    } catch (error) {
      return failureResult('failed', 'infrastructure_error', `Sandbox unavailable: ${(error as Error).message}`);
    } finally {
      release();
    }
  }

  return { execute, close: () => pool.close(), workerPids: () => pool.pids() };
}
