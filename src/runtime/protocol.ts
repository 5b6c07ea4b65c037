/**
 * Messages exchanged over IPC between the sandbox (parent) and its worker processes. Workers are forked with
 * `serialization: 'advanced'`, so Uint8Array values cross as-is. Every run is addressed by a per-worker numeric
 * `rid` rather than `job.runId`, because the same run id may legitimately be retried.
 */
import type { LogLine, RunErrorType, RunUsage, SandboxJob, SandboxResult } from './types.ts';

/** The asynchronous host operations a guest may request; `log` is handled inside the worker. */
export type HostOp = 'readFile' | 'readResource' | 'writeArtifact' | 'fetch' | 'callSkill';

export interface HostErrorPayload {
  type?: RunErrorType;
  name: string;
  message: string;
}

export type ParentMessage =
  | { t: 'run'; rid: number; job: SandboxJob }
  | { t: 'cancel'; rid: number }
  | { t: 'ping'; n: number }
  | { t: 'hostResult'; rid: number; callId: number; ok: true; value: unknown }
  | { t: 'hostResult'; rid: number; callId: number; ok: false; error: HostErrorPayload };

/** A finished run as reported by a worker; the output stays a JSON string so the parent parses it with JSON.parse. */
export interface WorkerRunResult {
  status: SandboxResult['status'];
  outputJson?: string;
  error?: SandboxResult['error'];
  logs: LogLine[];
  usage: RunUsage;
}

export type WorkerMessage =
  | { t: 'ready' }
  | { t: 'pong'; n: number }
  | { t: 'hostCall'; rid: number; callId: number; op: HostOp; args: unknown }
  /** A log line as the guest writes it, so it reaches the run's live events before the run ends. */
  | { t: 'log'; rid: number; line: LogLine }
  | { t: 'result'; rid: number; result: WorkerRunResult; retire?: boolean }
  /** Every run has ended and its isolate is disposed; `retire`: replace this worker rather than reuse it. */
  | { t: 'idle'; retire: boolean };

export function emptyUsage(wallMs = 0, memoryPeakBytes = 0): RunUsage {
  return { wall_ms: wallMs, cpu_ms: 0, memory_peak_bytes: memoryPeakBytes };
}

/** A result for a run that ended without the worker reporting one (crash, cancel, hard kill). */
export function failureResult(
  status: SandboxResult['status'],
  type: RunErrorType,
  message: string,
  wallMs = 0,
): SandboxResult {
  return { status, error: { type, message }, logs: [], usage: emptyUsage(wallMs) };
}
