/**
 * The sandbox: fair admission in front of a pool of supervised worker processes, each running every job in a
 * fresh isolated-vm isolate. Isolates never exist in the calling process.
 *
 * A slot is a worker process, leased to one run tree at a time, so at most `size` runs execute at once and a run
 * that wedges or bloats its worker can only fail its own tree. Every run is admitted, children included: a child
 * (ctx.callSkill, chain or parallel step) borrows its parent's worker when the parent is not lending it already
 * (the parent waits for it meanwhile: the worker stops a parent that computes while its child holds the slot), and
 * otherwise queues with priority for another worker. A tree therefore always keeps its own slot and cannot
 * deadlock; see `queue.ts` for the order between tenants.
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
import { FairQueue } from './queue.ts';
import type { Sandbox, SandboxHost, SandboxJob, SandboxResult } from './types.ts';
import { assertIsolatedVmVersion } from './version.ts';
import type { GuestCapabilities } from './worker/isolate-pool.ts';
import type { WorkerHandle } from './worker-handle.ts';
import { WorkerPool } from './worker-pool.ts';

export interface SandboxOptions {
  /** Most worker processes, which is also how many runs execute at once. Default: number of cores. */
  size?: number;
  /**
   * Workers kept running while there is no work; more start when runs wait, up to `size`, and stop again after
   * `workerIdleMs` unused. Default `size` (a fixed pool).
   */
  minWorkers?: number;
  /** Default 60000 ms. */
  workerIdleMs?: number;
  /** Never-used isolates each worker keeps ready. Default 2. */
  warmIsolates?: number;
  /** RSS ceiling of one worker process in MB; a run that pushes past it ends with memory_limit. Default 2048. */
  maxWorkerRssMb?: number;
  /** Slots (workers) one run tree may hold at once; its other children wait. Default 4. */
  maxSlotsPerTree?: number;
  /** What guests may use beyond plain JavaScript (a WebAssembly runtime's own pool); default none. */
  capabilities?: GuestCapabilities;
  /** Default 1000 ms. */
  heartbeatIntervalMs?: number;
  /** A worker silent for this long is killed and replaced. Default 10000 ms. */
  heartbeatTimeoutMs?: number;
  /** Time past a run's deadline after which its worker is considered wedged and killed. Default 1500 ms. */
  killGraceMs?: number;
  /**
   * A worker not ready after this long is replaced; a queued run fails after this long without any ready worker.
   * Default 30000 ms.
   */
  startTimeoutMs?: number;
  /** Worker entry file; default the bundled `worker/main.ts`. */
  workerPath?: string;
  /** Node flags for workers; default `--no-node-snapshot --import tsx` (tsx lets the worker be TypeScript). */
  execArgv?: string[];
  /** The Node that runs workers when this process is not Node (the API on Deno); see `node-binary.ts`. */
  nodeBinary?: string;
}

export interface ProcessSandbox extends Sandbox {
  /** Process ids of the current workers. */
  workerPids(): number[];
  /** Runs waiting for a slot now. */
  queued(): number;
}

/** Where a run executes and how its slot is given back. */
interface Grant {
  worker: WorkerHandle;
  giveBack: () => void;
}

interface Waiter {
  tenant: string;
  child: boolean;
  tree: string;
  runId: string;
  parentRunId?: string;
  grant: (grant: Grant) => void;
}

/** A run holding a slot: its own, or one borrowed from its parent. It lends it to at most one child at a time. */
interface Holder {
  runId: string;
  tenant: string;
  grant: Grant;
  lentTo: string | null;
  finished: boolean;
}

/** `.ts` when running from source (through tsx), `.js` when running the compiled build (`npm run build`). */
const OWN_EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

function defaultExecArgv(): string[] {
  if (OWN_EXTENSION === '.js') return ['--no-node-snapshot'];
  const tsx = createRequire(import.meta.url).resolve('tsx');
  return ['--no-node-snapshot', '--import', pathToFileURL(tsx).href];
}

export function createSandbox(options: SandboxOptions = {}): ProcessSandbox {
  assertIsolatedVmVersion();
  const size = Math.max(1, options.size ?? availableParallelism());
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const holders = new Map<string, Holder>();
  const runningByTenant = new Map<string, number>();
  const slotsByTree = new Map<string, number>();
  const maxSlotsPerTree = Math.max(1, options.maxSlotsPerTree ?? 4);
  const queue = new FairQueue<Waiter>((tenant) => runningByTenant.get(tenant) ?? 0);
  const pool = new WorkerPool({
    size,
    minSize: options.minWorkers,
    idleMs: options.workerIdleMs,
    workerPath: options.workerPath ?? fileURLToPath(new URL(`./worker/main${OWN_EXTENSION}`, import.meta.url)),
    execArgv: options.execArgv ?? defaultExecArgv(),
    worker: {
      warmIsolates: options.warmIsolates ?? 2,
      maxRssBytes: (options.maxWorkerRssMb ?? 2048) * 1024 * 1024,
      capabilities: options.capabilities,
    },
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 10_000,
    killGraceMs: options.killGraceMs ?? 1500,
    startTimeoutMs,
    nodeBinary: options.nodeBinary,
    onFree: dispatch,
  });

  const count = (counts: Map<string, number>, key: string, delta: number) => {
    const next = (counts.get(key) ?? 0) + delta;
    if (next === 0) counts.delete(key);
    else counts.set(key, next);
  };
  const underTreeCap = (waiter: Waiter) => (slotsByTree.get(waiter.tree) ?? 0) < maxSlotsPerTree;

  /** Gives free workers to waiting runs, in the queue's order; starts more workers for the runs still waiting. */
  function dispatch(): void {
    while (queue.size > 0 && pool.hasFree) {
      const waiter = queue.shift(underTreeCap);
      if (!waiter) break;
      const worker = pool.lease()!;
      count(runningByTenant, waiter.tenant, 1);
      count(slotsByTree, waiter.tree, 1);
      waiter.grant({
        worker,
        giveBack: () => {
          count(runningByTenant, waiter.tenant, -1);
          count(slotsByTree, waiter.tree, -1);
          pool.release(worker);
        },
      });
    }
    if (queue.size > 0) pool.grow(queue.size);
  }

  /** The slot comes back from the child it was lent to: to the next waiting child of the same run, or home. */
  function returnToHolder(holder: Holder): void {
    holder.lentTo = null;
    const sibling = holder.finished ? undefined : queue.take((w) => w.parentRunId === holder.runId);
    if (sibling) lend(holder, sibling);
    else if (holder.finished) holder.grant.giveBack();
  }

  function lend(holder: Holder, waiter: Pick<Waiter, 'runId' | 'grant'>): void {
    holder.lentTo = waiter.runId;
    waiter.grant({ worker: holder.grant.worker, giveBack: () => returnToHolder(holder) });
  }

  /** Waits for a slot; resolves with a result instead when the run is cancelled or its deadline passes first. */
  function admit(job: SandboxJob, signal?: AbortSignal): Promise<Grant | SandboxResult> {
    const parent = job.parentRunId ? holders.get(job.parentRunId) : undefined;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        tenant: job.tenant ?? '',
        child: job.depth > 0,
        tree: job.treeId ?? job.runId,
        runId: job.runId,
        parentRunId: job.parentRunId,
        grant: (grant) => {
          cleanup();
          resolve(grant);
        },
      };
      const give = (result: SandboxResult) => {
        if (!queue.remove(waiter)) return;
        cleanup();
        resolve(result);
      };
      const onAbort = () => give(failureResult('cancelled', 'cancelled', 'The run was cancelled'));
      const deadline = setTimeout(
        () => give(failureResult('timed_out', 'timeout', 'The run reached its deadline while it waited for a slot')),
        Math.max(0, job.deadline - Date.now()),
      );
      const noWorkers = setInterval(() => {
        if (pool.readyCount === 0) give(failureResult('failed', 'infrastructure_error', 'No sandbox worker is ready'));
      }, startTimeoutMs);
      const cleanup = () => {
        clearTimeout(deadline);
        clearInterval(noWorkers);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (parent && !parent.finished && parent.lentTo === null && parent.grant.worker.alive) {
        lend(parent, waiter);
        return;
      }
      queue.push(waiter);
      dispatch();
    });
  }

  async function execute(job: SandboxJob, host: SandboxHost, signal?: AbortSignal): Promise<SandboxResult> {
    if (pool.closed) return failureResult('failed', 'infrastructure_error', 'Sandbox unavailable: it is closed');
    if (signal?.aborted) return failureResult('cancelled', 'cancelled', 'The run was cancelled');
    if (Date.now() >= job.deadline) {
      return failureResult('timed_out', 'timeout', 'The run reached its deadline before it started');
    }
    const admitted = await admit(job, signal);
    if ('status' in admitted) return admitted;
    const holder: Holder = {
      runId: job.runId,
      tenant: job.tenant ?? '',
      grant: admitted,
      lentTo: null,
      finished: false,
    };
    holders.set(job.runId, holder);
    try {
      return await admitted.worker.run(job, host, signal);
    } catch (error) {
      return failureResult('failed', 'infrastructure_error', `Sandbox unavailable: ${(error as Error).message}`);
    } finally {
      if (holders.get(job.runId) === holder) holders.delete(job.runId);
      holder.finished = true;
      if (holder.lentTo === null) admitted.giveBack();
    }
  }

  return {
    execute,
    close: () => pool.close(),
    workerPids: () => pool.pids(),
    queued: () => queue.size,
  };
}
