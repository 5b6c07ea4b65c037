import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../../src/api/app.ts';
import type { AppDeps } from '../../src/api/context.ts';
import type { Role } from '../../src/auth/caller.ts';
import { createTokenService, type TokenServiceOptions } from '../../src/auth/tokens.ts';
import type { Clock } from '../../src/clock.ts';
import type { Embedder } from '../../src/router/embedder.ts';
import { createIndexer } from '../../src/router/indexer.ts';
import { createLocalEmbedder } from '../../src/router/local-embedder.ts';
import { createSandbox, type ProcessSandbox } from '../../src/runtime/sandbox.ts';
import type { Sandbox } from '../../src/runtime/types.ts';
import { deriveSecretsKey } from '../../src/secrets/service.ts';
import { createLocalBlobStore } from '../../src/storage/local-blob-store.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { type Backend, createTestDatabase } from './db.ts';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-characters-long';

/** A clock tests can move. */
export function testClock(start = new Date()): Clock & { advance(ms: number): void } {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

/** Log lines the app wrote, parsed. */
export function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

// One sandbox (two worker processes) per test file, started on the first run and stopped with the last app.
let sharedSandbox: ProcessSandbox | undefined;
let openApps = 0;
const lazySandbox: Sandbox = {
  execute: (job, host, signal) => {
    sharedSandbox ??= createSandbox({ size: 2 });
    return sharedSandbox.execute(job, host, signal);
  },
  close: async () => {},
};
async function releaseSandbox() {
  if (--openApps === 0 && sharedSandbox) {
    const closing = sharedSandbox;
    sharedSandbox = undefined;
    await closing.close();
  }
}

/**
 * An app built from real parts on a fresh database, plus helpers to call it as a given user. Skills are embedded
 * in the background by a local embedder (or `options.embedder`); `indexed()` waits until they are.
 */
export async function createTestApp(
  backend: Backend,
  options: { embedder?: Embedder; tokens?: TokenServiceOptions; deps?: Partial<AppDeps> } = {},
) {
  const { db, drop } = await createTestDatabase(backend);
  const clock = testClock();
  const tokens = createTokenService(TEST_SECRET, clock, options.tokens);
  const logs = captureLogs();
  const embedder = options.embedder ?? createLocalEmbedder();
  const indexer = createIndexer({ db, embedder, logger: logs.logger, retryBaseMs: 50 });
  indexer.start();
  const artifactsDir = mkdtempSync(join(tmpdir(), 'os-artifacts-'));
  openApps++;
  const app = createApp({
    db,
    clock,
    logger: logs.logger,
    tokens,
    embedder,
    indexer,
    sandbox: lazySandbox,
    blobs: createLocalBlobStore(artifactsDir),
    secretsKey: deriveSecretsKey(TEST_SECRET),
    ...options.deps,
  });
  const indexed = () => indexer.idle();

  const tokenFor = (user = 'alice', org = 'acme', role: Role = 'admin') =>
    tokens.issue({ userId: user, orgId: org, role });

  /** `app.request` with a bearer token for the given identity (alice@acme, admin, by default). */
  const request = async (
    path: string,
    init: RequestInit & { as?: { user?: string; org?: string; role?: Role }; json?: unknown } = {},
  ) => {
    const { as, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (!headers.has('authorization')) {
      headers.set('authorization', `Bearer ${await tokenFor(as?.user, as?.org, as?.role)}`);
    }
    let body = rest.body;
    if (json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(json);
    }
    return app.request(path, { ...rest, headers, body });
  };

  const close = async () => {
    await indexer.close();
    await releaseSandbox();
    await drop();
    rmSync(artifactsDir, { recursive: true, force: true });
  };
  return { app, db, clock, tokens, logs, tokenFor, request, indexed, embedder, artifactsDir, close };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** Uploads a bundle zip as a new skill (published unless told otherwise) and returns the parsed result. */
export async function publishSkill(
  t: TestApp,
  files: Record<string, string | Uint8Array>,
  name: string,
  publish = true,
) {
  const { bundleForm, zipOf } = await import('./bundles.ts');
  const res = await t.request('/skills', {
    method: 'POST',
    body: bundleForm(zipOf(files, name), { publish: String(publish) }),
  });
  if (res.status !== 201) throw new Error(`upload of ${name} failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as {
    skill: { id: string; name: string };
    version: { id: string; version: string };
    warnings: unknown[];
  };
}
