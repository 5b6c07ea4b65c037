import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { createTokenService } from '../../src/auth/tokens.ts';
import { createSandbox, type ProcessSandbox } from '../../src/runtime/sandbox.ts';
import { createLocalBlobStore } from '../../src/storage/local-blob-store.ts';
import { captureLogs, TEST_SECRET, testClock } from '../helpers/app.ts';
import { bundleForm, zipOf } from '../helpers/bundles.ts';
import { backends, createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { codeSkill, type Json } from './helpers.ts';

describe.each(backends)('a worker crash during a run on %s', (backend) => {
  let database: TestDatabase;
  let sandbox: ProcessSandbox;
  let dir: string;
  let request: (path: string, init?: RequestInit & { json?: unknown }) => Promise<Response>;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    sandbox = createSandbox({ size: 1 });
    dir = mkdtempSync(join(tmpdir(), 'os-crash-'));
    const clock = testClock();
    const tokens = createTokenService(TEST_SECRET, clock);
    const app = createApp({
      db: database.db,
      clock,
      logger: captureLogs().logger,
      tokens,
      sandbox,
      blobs: createLocalBlobStore(dir),
    });
    const token = await tokens.issue({ userId: 'alice', orgId: 'acme', role: 'admin' });
    request = async (path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${token}`);
      if (init.json !== undefined) headers.set('content-type', 'application/json');
      return app.request(path, {
        ...init,
        headers,
        body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
      });
    };
    for (const [name, code] of [
      ['spin', 'export default () => { for (;;) {} };'],
      ['fine', 'export default () => "fine";'],
    ] as const) {
      const res = await request('/skills', {
        method: 'POST',
        body: bundleForm(zipOf(codeSkill(name, code), name), { publish: 'true' }),
      });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await sandbox.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records the run as infrastructure_error and keeps serving', async () => {
    expect(((await (await request('/runs', { method: 'POST', json: { skill: 'fine' } })).json()) as Json).status).toBe(
      'succeeded',
    );
    const pending = request('/runs', { method: 'POST', json: { skill: 'spin', timeout_ms: 20_000 } });
    await new Promise((r) => setTimeout(r, 300));
    for (const pid of sandbox.workerPids()) process.kill(pid, 'SIGKILL');
    const res = await pending;
    expect(res.status).toBe(201);
    const body = (await res.json()) as Json;
    expect(body).toMatchObject({ status: 'failed', error: { type: 'infrastructure_error' } });
    const [row] = await database.db.query<{ status: string }>('select status from skill_runs where id = $1', [body.id]);
    expect(row?.status).toBe('failed');
    const after = (await (await request('/runs', { method: 'POST', json: { skill: 'fine' } })).json()) as Json;
    expect(after).toMatchObject({ status: 'succeeded', output: 'fine' });
  });
});
