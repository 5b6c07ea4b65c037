import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.ts';
import type { RunningServer } from '../../src/server.ts';
import { bundleForm, type FileMap, runnableSkill, skillMd, zipOf } from '../helpers/bundles.ts';
import { startTestServer } from '../helpers/server.ts';

// startServer's own wiring: what reaches the app from the configuration, and what close() winds down.
describe('the real server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'os-server-'));
  let server: RunningServer | undefined;
  let headers: Record<string, string>;

  beforeAll(async () => {
    const started = await startTestServer(dataDir, { PUBLIC_URL: 'https://skills.example.com' });
    server = started.server;
    headers = { authorization: `Bearer ${started.token}` };
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const upload = async (name: string, files: FileMap) => {
    const res = await fetch(`http://127.0.0.1:${server!.port}/skills`, {
      method: 'POST',
      headers,
      body: bundleForm(zipOf(files, name), { publish: 'true' }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { version: { id: string } };
  };

  it('writes PUBLIC_URL, not the address it was reached at, into prompt XML', async () => {
    const { version } = await upload('greeter', runnableSkill('greeter'));
    expect(server!.url).toBe('https://skills.example.com');
    const address = `http://127.0.0.1:${server!.port}`;
    const xml = await (await fetch(`${address}/skills/greeter/prompt`, { headers })).text();
    expect(xml).toContain(
      `<location>\nhttps://skills.example.com/skill-versions/${version.id}/files/SKILL.md\n</location>`,
    );
  });

  it('records a final status for runs (and their steps) still in flight when it closes', async () => {
    await upload('spinner', {
      'SKILL.md': skillMd({ name: 'spinner', description: 'Spins until stopped', entrypoint: 'scripts/main.js' }),
      'scripts/main.js': 'export default () => { for (;;) {} };',
    });
    const address = `http://127.0.0.1:${server!.port}`;
    const res = await fetch(`${address}/runs`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        chain: [{ skill: 'spinner' }, { skill: 'spinner' }],
        input: {},
        async: true,
        timeout_ms: 600_000,
      }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await server!.close();
    server = undefined;
    const db = await openDatabase({ dataDir });
    try {
      const rows = await db.query<{ id: string; status: string }>(
        'select id, status from skill_runs where id = $1 or parent_run_id = $1',
        [id],
      );
      expect(rows.map((r) => r.id)).toContain(id);
      for (const row of rows) expect(['failed', 'cancelled', 'timed_out']).toContain(row.status);
    } finally {
      await db.close();
    }
  });
});
