/**
 * The `SandboxHost` of one run: what a guest may reach through `ctx`. Artifacts are stored as blobs at once but
 * only kept in memory as pending rows; `finish.ts` writes the rows with the run's final status in one
 * transaction, or deletes the blobs when the run did not succeed, so a failed run leaves no artifact row. When the
 * run ends, `close()` waits for the host calls still in flight; a write that completes after that deletes its own
 * blob, so every blob has a row and every row a blob.
 */

import { posix } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../clock.ts';
import {
  type ArtifactInfo,
  type FetchRequest,
  type FetchResponse,
  HostCallError,
  type LogLine,
  type SandboxHost,
} from '../runtime/types.ts';
import { sha256Hex } from '../skills/bundle.ts';
import type { RuntimeVersion } from '../skills/runnable.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { guardedFetch } from './network.ts';
import type { ArtifactRow } from './rows.ts';

export interface HostContext {
  runId: string;
  orgId: string;
  version: RuntimeVersion;
  files: ReadonlyMap<string, Uint8Array>;
  deadline: number;
  /** A file of the version's bundle, for ctx.resources. */
  readResource(path: string): Promise<Uint8Array | undefined>;
  blobs: BlobStore;
  clock: Clock;
  /** Artifacts stored so far, to become rows if the run succeeds. */
  pending: ArtifactRow[];
  onLog(line: LogLine): void;
  onArtifact(row: ArtifactRow): void;
  callSkill(name: string, input: unknown, options: { version?: string }): Promise<unknown>;
  /** Overrides the real network (tests, benchmarks). */
  fetch?: (request: FetchRequest) => Promise<FetchResponse>;
}

/** ctx.fetch calls of one run in flight at once; more wait for one to end. */
export const MAX_CONCURRENT_FETCHES = 4;
/** Response bytes one run may fetch in all. */
export const MAX_FETCH_BYTES_PER_RUN = 20 * 1024 * 1024;
/** Response bytes of one ctx.fetch call. */
const MAX_FETCH_BYTES = 5 * 1024 * 1024;

/**
 * A media type an artifact may be served with: `type/subtype` and optional `; name=value` parameters of token
 * characters or quoted strings, no control characters, at most 255 characters.
 */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(
  `^${TOKEN}/${TOKEN}([ \\t]*;[ \\t]*${TOKEN}=(${TOKEN}|"[^"\\\\\\u0000-\\u001f\\u007f]*"))*$`,
);

/**
 * The media type an artifact is stored with: the skill's, when it is a well-formed one, else octet-stream.
 *
 * @example
 * artifactMediaType('text/html; charset=utf-8'); // 'text/html; charset=utf-8'
 * artifactMediaType('text/html\r\nX-Evil: 1'); // 'application/octet-stream'
 */
export const artifactMediaType = (mimeType: string) =>
  mimeType.length <= 255 && MEDIA_TYPE.test(mimeType) ? mimeType : 'application/octet-stream';

export interface RunHost extends SandboxHost {
  /** Refuses new host calls and waits for those in flight. */
  close(): Promise<void>;
}

/**
 * A bundle path a resource read may use: relative, inside the bundle, no `..`, no backslashes.
 *
 * @example
 * safeResourcePath('resources/./a.txt'); // 'resources/a.txt'
 * safeResourcePath('../etc/passwd'); // null
 */
export function safeResourcePath(path: string): string | null {
  if (typeof path !== 'string' || path.length === 0 || path.length > 1024) return null;
  if (path.includes('\\') || path.includes('\0') || path.startsWith('/')) return null;
  if (path.split('/').includes('..')) return null;
  const normal = posix.normalize(path);
  if (normal.startsWith('../') || normal === '..' || normal.startsWith('/') || normal === '.') return null;
  return normal;
}

/**
 * Host failures other than `HostCallError`s reach the guest as a generic message: database or storage errors can
 * carry paths, SQL or addresses that a skill must not see.
 */
function sealed<A extends unknown[], R>(what: string, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (error) {
      if (error instanceof HostCallError) throw error;
      throw new HostCallError('infrastructure_error', `${what} failed on the server`);
    }
  };
}

export function createRunHost(ctx: HostContext): RunHost {
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();
  const fetches = new FetchBudget();
  /** Host calls after the run ended are refused; those in flight are awaited by `close()`. */
  const tracked =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      if (closed) return Promise.reject(new HostCallError('cancelled', 'The run has ended'));
      const call = fn(...args);
      inFlight.add(call);
      call.then(
        () => inFlight.delete(call),
        () => inFlight.delete(call),
      );
      return call;
    };
  const host: SandboxHost = {
    async readFile(name) {
      const data = ctx.files.get(name);
      if (!data) {
        const sent = [...ctx.files.keys()];
        throw new HostCallError(
          'invalid_input',
          `No file "${name}" was sent with the run${sent.length ? ` (sent: ${sent.join(', ')})` : ''}`,
        );
      }
      return data;
    },

    async readResource(path) {
      const safe = safeResourcePath(path);
      if (!safe) throw new HostCallError('skill_error', `Resource path "${path}" is outside the skill bundle`);
      const data = await ctx.readResource(safe);
      if (!data)
        throw new HostCallError('skill_error', `No resource "${safe}" in ${ctx.version.name} ${ctx.version.version}`);
      return data;
    },

    async writeArtifact(name, data, mimeType): Promise<ArtifactInfo> {
      const cleanName = String(name)
        .replace(/[\u0000-\u001f\u007f/\\]/g, '_')
        .slice(0, 255);
      if (!cleanName) throw new HostCallError('skill_error', 'An artifact needs a name');
      const id = uuidv7();
      const key = `artifacts/${ctx.runId}/${id}`;
      const sha256 = sha256Hex(data);
      const mime = artifactMediaType(mimeType);
      await ctx.blobs.put(key, data, { contentType: mime });
      if (closed) {
        await ctx.blobs.delete(key);
        throw new HostCallError('cancelled', 'The run ended before the artifact was stored');
      }
      const row: ArtifactRow = {
        id,
        run_id: ctx.runId,
        org_id: ctx.orgId,
        name: cleanName,
        storage_url: key,
        mime_type: mime,
        checksum: sha256,
        size_bytes: data.byteLength,
        created_at: ctx.clock.now(),
      };
      ctx.pending.push(row);
      ctx.onArtifact(row);
      return { id, name: cleanName, size: data.byteLength, mimeType: mime, sha256 };
    },

    fetch: (request) =>
      fetches.run(async (maxBytes) => {
        if (ctx.fetch && ctx.version.allowNetwork) return ctx.fetch(request);
        return guardedFetch(request, {
          allowNetwork: ctx.version.allowNetwork,
          allowlist: ctx.version.networkAllowlist,
          deadline: ctx.deadline,
          maxResponseBytes: maxBytes,
        });
      }),

    callSkill: (name, input, options) => ctx.callSkill(name, input, options),

    log: (line) => ctx.onLog(line),
  };
  return {
    ...host,
    readFile: tracked(host.readFile),
    readResource: tracked(sealed('ctx.resources.read', host.readResource)),
    writeArtifact: tracked(sealed('ctx.artifacts.write', host.writeArtifact)),
    fetch: tracked(host.fetch),
    callSkill: tracked(sealed('ctx.callSkill', host.callSkill)),
    async close() {
      closed = true;
      await Promise.allSettled([...inFlight]);
    },
  };
}

/**
 * The ctx.fetch budget of one run: at most MAX_CONCURRENT_FETCHES in flight, MAX_FETCH_BYTES_PER_RUN in all.
 * Each call reserves the most it may read before it starts, so concurrent calls cannot overrun the budget together.
 */
class FetchBudget {
  #active = 0;
  #left = MAX_FETCH_BYTES_PER_RUN;
  readonly #waiting: (() => void)[] = [];

  async run(fetch: (maxBytes: number) => Promise<FetchResponse>): Promise<FetchResponse> {
    if (this.#active >= MAX_CONCURRENT_FETCHES) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#active++;
    const reserved = Math.min(MAX_FETCH_BYTES, this.#left);
    this.#left -= reserved;
    let used = 0;
    try {
      if (reserved === 0) throw this.#spent();
      const response = await fetch(reserved);
      used = Math.min(reserved, response.body.byteLength);
      if (response.body.byteLength > reserved) throw this.#spent();
      return response;
    } catch (error) {
      // A response cut short by a reservation below the per-call maximum ran out of the run's budget.
      if (reserved < MAX_FETCH_BYTES && error instanceof HostCallError && /larger than/.test(error.message)) {
        used = reserved;
        throw this.#spent();
      }
      throw error;
    } finally {
      this.#left += reserved - used;
      this.#active--;
      this.#waiting.shift()?.();
    }
  }

  #spent(): HostCallError {
    return new HostCallError('limit_exceeded', `The run fetched more than ${MAX_FETCH_BYTES_PER_RUN} bytes`);
  }
}
