import { Writable } from 'node:stream';
import { createApp } from '../../src/api/app.ts';
import type { Role } from '../../src/auth/caller.ts';
import { createTokenService } from '../../src/auth/tokens.ts';
import type { Clock } from '../../src/clock.ts';
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

/** An app built from real parts on a fresh database, plus helpers to call it as a given user. */
export async function createTestApp(backend: Backend) {
  const { db, drop } = await createTestDatabase(backend);
  const clock = testClock();
  const tokens = createTokenService(TEST_SECRET, clock);
  const logs = captureLogs();
  const app = createApp({ db, clock, logger: logs.logger, tokens });

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

  return { app, db, clock, tokens, logs, tokenFor, request, close: drop };
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
