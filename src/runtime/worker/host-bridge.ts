/**
 * The worker side of the guest's single `send(op, callId, args)` callback. Arguments arrive as copies made by
 * isolated-vm and are validated with zod before anything else; limits (host calls, logs, artifacts) are enforced
 * here. `log` is served in the worker; every other op is forwarded to the parent's `SandboxHost` over IPC and its
 * answer is delivered into the isolate later by the run. Returns `true` when accepted, else an error description
 * the bootstrap turns into a rejected promise.
 */
import { z } from 'zod';
import { withoutNul } from '../../json-bounds.ts';
import type { HostErrorPayload, HostOp } from '../protocol.ts';
import { LogLineSchema } from '../schemas.ts';
import type { LogLine, RunErrorType, RunLimits } from '../types.ts';

const name = z.string().min(1).max(1024);
const bytes = z.instanceof(Uint8Array);
const schemas = {
  log: z.object({ level: LogLineSchema.shape.level, message: z.string() }),
  readFile: z.object({ name }),
  readResource: z.object({ path: name }),
  writeArtifact: z.object({ name, data: bytes, mimeType: z.string().max(255).optional() }),
  fetch: z.object({
    url: z.string().max(8192),
    method: z.string().max(32),
    headers: z.record(z.string(), z.string()),
    body: z.union([z.string(), bytes]).optional(),
  }),
  callSkill: z.object({ name, input: z.unknown(), version: z.string().max(256).optional() }),
} as const;

type Op = keyof typeof schemas;

export interface BridgeOptions {
  limits: RunLimits;
  /** Forwards an async op to the parent; the answer comes back through the run's `deliver`. */
  forward: (callId: number, op: HostOp, args: unknown) => void;
  /** Ends the run (the isolate is disposed); used when a limit is exceeded. */
  fail: (type: RunErrorType, message: string) => void;
  /** Hears each log line as it is kept (the worker streams it to the parent). */
  onLog?: (line: LogLine) => void;
}

export class HostBridge {
  readonly logs: LogLine[] = [];
  #logBytes = 0;
  #logTruncated = false;
  #hostCalls = 0;
  #artifacts = 0;
  #artifactBytes = 0;
  /** Forwarded calls not answered yet, by call id. */
  readonly #inFlight = new Map<number, HostOp>();
  #childCalls = 0;
  /** Names and ids of the artifacts the host confirmed (an output may refer to them). */
  readonly artifactRefs = new Set<string>();

  constructor(private readonly options: BridgeOptions) {}

  #limit(message: string): HostErrorPayload {
    this.options.fail('limit_exceeded', message);
    return { type: 'limit_exceeded', name: 'HostCallError', message };
  }

  readonly handle = (op: unknown, callId: unknown, args: unknown): true | HostErrorPayload => {
    if (typeof op !== 'string' || !Object.hasOwn(schemas, op) || typeof callId !== 'number') {
      return { name: 'TypeError', message: 'Invalid host call' };
    }
    const parsed = schemas[op as Op].safeParse(args);
    if (!parsed.success) {
      return { name: 'TypeError', message: `Invalid arguments for ${op}: ${parsed.error.issues[0]?.message ?? ''}` };
    }
    const { limits } = this.options;
    if (++this.#hostCalls > limits.maxHostCalls) {
      return this.#limit(`The run made more than ${limits.maxHostCalls} host calls`);
    }
    const value = parsed.data;
    if (op === 'log') {
      this.#log(value as z.infer<typeof schemas.log>);
      return true;
    }
    if (op === 'writeArtifact') {
      const { data } = value as z.infer<typeof schemas.writeArtifact>;
      if (++this.#artifacts > limits.maxArtifacts) {
        return this.#limit(`The run wrote more than ${limits.maxArtifacts} artifacts`);
      }
      this.#artifactBytes += data.byteLength;
      if (this.#artifactBytes > limits.maxArtifactBytes) {
        return this.#limit(`The run's artifacts exceed ${limits.maxArtifactBytes} bytes`);
      }
    }
    this.#inFlight.set(callId, op as HostOp);
    if (op === 'callSkill') this.#childCalls++;
    this.options.forward(callId, op as HostOp, value);
    return true;
  };

  /** Whether a ctx.callSkill child is running for this guest now. */
  get waitingForChild(): boolean {
    return this.#childCalls > 0;
  }

  /** Records the answer to a forwarded call (before it is delivered into the isolate). */
  answered(callId: number, ok: boolean, payload: unknown): void {
    const op = this.#inFlight.get(callId);
    this.#inFlight.delete(callId);
    if (op === 'callSkill') this.#childCalls--;
    if (op === 'writeArtifact' && ok && payload && typeof payload === 'object') {
      const { id, name } = payload as { id?: unknown; name?: unknown };
      for (const ref of [id, name]) if (typeof ref === 'string') this.artifactRefs.add(ref);
    }
  }

  #log(line: { level: LogLine['level']; message: string }): void {
    if (this.#logTruncated) return;
    const max = this.options.limits.maxLogBytes;
    const size = Buffer.byteLength(line.message);
    if (this.#logBytes + size > max) {
      this.#logTruncated = true;
      this.#keep({ level: 'warn', message: `[log truncated: more than ${max} bytes]`, time: now() });
      return;
    }
    this.#logBytes += size;
    this.#keep({ level: line.level, message: withoutNul(line.message), time: now() });
  }

  #keep(line: LogLine): void {
    this.logs.push(line);
    this.options.onLog?.(line);
  }
}

function now(): string {
  return new Date().toISOString();
}
