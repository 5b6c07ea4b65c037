/**
 * The `SandboxHost` of one run: what a guest may reach through `ctx`. Artifacts are stored as blobs at once but
 * only kept in memory as pending rows; `finish.ts` writes the rows with the run's final status in one
 * transaction, or deletes the blobs when the run did not succeed, so a failed run leaves no artifact row.
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

export function createRunHost(ctx: HostContext): SandboxHost {
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
      const mime = /^[\w.+-]+\/[\w.+-]+(;.*)?$/.test(mimeType) ? mimeType : 'application/octet-stream';
      await ctx.blobs.put(key, data, { contentType: mime });
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

    fetch(request) {
      if (ctx.fetch && ctx.version.allowNetwork) return ctx.fetch(request);
      return guardedFetch(request, {
        allowNetwork: ctx.version.allowNetwork,
        allowlist: ctx.version.networkAllowlist,
        deadline: ctx.deadline,
      });
    },

    callSkill: (name, input, options) => ctx.callSkill(name, input, options),

    log: (line) => ctx.onLog(line),
  };
  return {
    ...host,
    readResource: sealed('ctx.resources.read', host.readResource),
    writeArtifact: sealed('ctx.artifacts.write', host.writeArtifact),
    callSkill: sealed('ctx.callSkill', host.callSkill),
  };
}
