/**
 * The contract between the API process and the sandbox. The API resolves a skill version, loads its transpiled
 * modules and hands the sandbox a `SandboxJob`; the sandbox runs it in a fresh isolate inside a supervised worker
 * process and calls back into the API process through `SandboxHost` for everything that touches the outside world
 * (files, resources, artifacts, network, child runs). The sandbox itself never touches the database or storage.
 */
import type { z } from 'zod';
import type { IoContract } from './io-validation.ts';
import type {
  ArtifactInfoSchema,
  LogLineSchema,
  RunErrorSchema,
  RunErrorTypeSchema,
  RunStatusSchema,
  RunUsageSchema,
} from './schemas.ts';

/**
 * Inputs past this size (as JSON) are refused before they reach a skill. Here rather than in `io-validation.ts`, so
 * the API process can check it without loading the validators (ajv, RE2), which run in the sandbox workers.
 */
export const MAX_INPUT_BYTES = 1024 * 1024;

export type RunStatus = z.infer<typeof RunStatusSchema>;
export type RunErrorType = z.infer<typeof RunErrorTypeSchema>;
/** Why a run did not succeed; `stack` is the skill's own, mapped to bundle files, never with host frames. */
export type RunError = z.infer<typeof RunErrorSchema>;
/** One captured console or ctx.log line; `time` is ISO-8601. */
export type LogLine = z.infer<typeof LogLineSchema>;
export type RunUsage = z.infer<typeof RunUsageSchema>;
/** What `ctx.artifacts.write` resolves to in the guest. */
export type ArtifactInfo = z.infer<typeof ArtifactInfoSchema>;

export interface RunLimits {
  /** Isolate heap limit in MB. */
  memoryMb: number;
  /** Wall-clock deadline for the whole run, enforced by a host watchdog. */
  timeoutMs: number;
  /** CPU time the isolate may use (isolate.cpuTime). */
  cpuMs: number;
  /** Largest JSON output, in bytes once serialised. */
  maxOutputBytes: number;
  /** Total bytes of captured log lines; lines past it are dropped and one truncation line is kept. */
  maxLogBytes: number;
  maxArtifacts: number;
  /** Total bytes of all artifacts of the run. */
  maxArtifactBytes: number;
  /** Number of host calls (files, resources, artifacts, fetch, callSkill, log) the guest may make. */
  maxHostCalls: number;
}

export interface SandboxJob {
  runId: string;
  skill: { id: string; name: string; version: string };
  /** Path of the entry module inside `modules`, e.g. `scripts/main.js`. */
  entrypoint: string;
  /** Every runnable module of the bundle, already transpiled to JavaScript ES modules, keyed by bundle path. */
  modules: Record<string, string>;
  /** Source maps (JSON strings) keyed by the same path, used to map stacks back to the original source. */
  sourceMaps?: Record<string, string>;
  input: unknown;
  /** Only the secrets the skill declared, already decrypted. */
  secrets: Record<string, string>;
  limits: RunLimits;
  /** Absolute epoch ms after which the run must stop, shared by parent and child runs. */
  deadline: number;
  /** Composition depth, 0 for a top-level run. */
  depth: number;
  /** Admission is fair between these (organisations); absent = one shared key. */
  tenant?: string;
  /** The run that called this one (ctx.callSkill, chain, parallel): the child may run on its parent's slot. */
  parentRunId?: string;
  /** The root run of this run's tree; a tree holds a bounded number of slots at once. Absent = its own tree. */
  treeId?: string;
  /**
   * Checked in the worker, under the run's deadline: the input before the skill starts (`invalid_input`, every
   * field listed) and a succeeded output against the declared outputs (`skill_error`). `files`: names sent.
   */
  io?: { contract: IoContract; files: string[] };
}

export interface FetchRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface FetchResponse {
  url: string;
  status: number;
  statusText: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * What the sandbox may ask of the API process during a run. Every method may throw a `HostCallError`
 * whose `type` becomes the run's error type when the guest does not catch it.
 */
export interface SandboxHost {
  readFile(name: string): Promise<Uint8Array>;
  readResource(path: string): Promise<Uint8Array>;
  writeArtifact(name: string, data: Uint8Array, mimeType: string): Promise<ArtifactInfo>;
  fetch(request: FetchRequest): Promise<FetchResponse>;
  callSkill(name: string, input: unknown, options: { version?: string }): Promise<unknown>;
  log(line: LogLine): void;
}

export interface SandboxResult {
  status: Exclude<RunStatus, 'queued' | 'running'>;
  output?: unknown;
  error?: RunError;
  logs: LogLine[];
  usage: RunUsage;
}

/** An error thrown by a host function whose type the run should end with, e.g. `network_denied`. */
export class HostCallError extends Error {
  constructor(
    readonly type: RunErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'HostCallError';
  }
}

export interface Sandbox {
  /** Why no run can execute on this server (e.g. the API on Deno found no Node for its workers); unset when they can. */
  readonly unavailable?: string;
  /** Runs one job in a fresh isolate; resolves with the outcome, never rejects for guest faults. */
  execute(job: SandboxJob, host: SandboxHost, signal?: AbortSignal): Promise<SandboxResult>;
  /** Stops all workers. */
  close(): Promise<void>;
}
