/** What the run modules share: their dependencies, the run store, live events and target resolution. */
import type { Caller } from '../auth/caller.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import type { FetchRequest, FetchResponse, Sandbox } from '../runtime/types.ts';
import type { Redact } from '../secrets/redact.ts';
import type { Secrets } from '../secrets/service.ts';
import type { Registry } from '../skills/registry.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Tracing } from '../telemetry/tracing.ts';
import { RunEvents } from './events.ts';
import { type RunMaxima, runMaxima } from './limits.ts';
import type { RunMetrics } from './observe.ts';
import type { QueuedRuns } from './queued.ts';
import { createRunStore, type RunStore } from './store.ts';
import { createTargets, type Targets } from './targets.ts';

export interface RunServiceDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  sandbox: Sandbox;
  blobs: BlobStore;
  registry: Registry;
  secrets: Secrets;
  /** Server maxima; SKILL.md and requests ask for less. */
  limits?: { maxTimeoutMs?: number; maxMemoryMb?: number };
  /** Run counts, durations, memory peaks, artifacts and queue wait, for /metrics. */
  metrics?: RunMetrics;
  /** Langfuse traces of runs, when configured. */
  tracing?: Pick<Tracing, 'runEnded'>;
  /** The shared job queue: async runs (and every run with RUN_MODE=queue) go through it when set. */
  queued?: QueuedRuns;
  /** Replaces the guarded network for skills with allow_network (benchmarks); never set in production. */
  fetch?: (request: FetchRequest) => Promise<FetchResponse>;
}

/** Files sent with a run, by name, for ctx.files. */
export type RunFiles = ReadonlyMap<string, Uint8Array>;

/** What every run below one root run shares. */
export interface RunTree {
  rootRunId: string;
  /** Runs started below the root so far (capped by MAX_TREE_RUNS). */
  runs: number;
}

/** A running run as its children see it: they inherit its caller, deadline and cancellation. */
export interface Parent {
  caller: Caller;
  runId: string;
  /** Epoch ms shared by the whole composition. */
  deadline: number;
  depth: number;
  /** Aborted when the run is cancelled, or when its parent ends (un-awaited children do not outlive it). */
  signal: AbortSignal;
  tree: RunTree;
  /** Child runs in flight; the run waits for them (cancelled) before its own row is final. */
  children: Set<Promise<unknown>>;
  /** Hides the secret values of this run and its ancestors from what its children store; none at the top. */
  redact?: Redact;
}

export interface RunContext {
  deps: RunServiceDeps;
  store: RunStore;
  events: RunEvents;
  targets: Targets;
  maxima: RunMaxima;
}

export function createRunContext(deps: RunServiceDeps): RunContext {
  return {
    deps,
    store: createRunStore(deps.db),
    events: new RunEvents(),
    targets: createTargets(deps.db, deps.registry),
    maxima: runMaxima(deps.limits),
  };
}
