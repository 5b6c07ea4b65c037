/**
 * Parent side of a guest host call: runs the operation against the caller's `SandboxHost` and turns the outcome
 * into a message-safe envelope. Arguments were already validated by zod in the worker.
 */
import type { HostErrorPayload, HostOp } from './protocol.ts';
import { HostCallError, type SandboxHost } from './types.ts';

export type HostReply = { ok: true; value: unknown } | { ok: false; error: HostErrorPayload };

// biome-ignore lint/suspicious/noExplicitAny: shapes are guaranteed by the worker's zod schemas.
type Args = any;

/** Plain Uint8Array (a Buffer view of a shared pool slab would drag the whole slab across IPC). */
function plainBytes(data: Uint8Array): Uint8Array {
  return data.constructor === Uint8Array && data.byteLength === data.buffer.byteLength ? data : new Uint8Array(data);
}

async function perform(host: SandboxHost, op: HostOp, args: Args): Promise<unknown> {
  switch (op) {
    case 'readFile':
      return plainBytes(await host.readFile(args.name));
    case 'readResource':
      return plainBytes(await host.readResource(args.path));
    case 'writeArtifact':
      return host.writeArtifact(args.name, args.data, args.mimeType ?? 'application/octet-stream');
    case 'fetch': {
      const r = await host.fetch({ url: args.url, method: args.method, headers: args.headers, body: args.body });
      return { url: r.url, status: r.status, statusText: r.statusText, headers: r.headers, body: plainBytes(r.body) };
    }
    case 'callSkill': {
      const output = await host.callSkill(args.name, args.input, args.version ? { version: args.version } : {});
      // Only JSON crosses to the guest, whatever the host returned.
      return output === undefined ? null : JSON.parse(JSON.stringify(output));
    }
  }
}

export async function dispatchHostCall(host: SandboxHost, op: HostOp, args: unknown): Promise<HostReply> {
  try {
    return { ok: true, value: await perform(host, op, args) };
  } catch (error) {
    if (error instanceof HostCallError) {
      return { ok: false, error: { type: error.type, name: 'HostCallError', message: error.message } };
    }
    if (error instanceof Error) return { ok: false, error: { name: error.name, message: error.message } };
    return { ok: false, error: { name: 'Error', message: String(error) } };
  }
}
