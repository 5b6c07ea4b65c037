import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StartupTasks } from '../../src/db/readiness.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { startTestServer } from '../helpers/server.ts';

describe('/readyz waits for start-up work', () => {
  const apps: TestApp[] = [];
  afterAll(() => Promise.all(apps.map((t) => t.close())));

  it.each([
    ['succeeds', true],
    ['fails', false],
  ])('answers 503 naming the task while it runs, 200 once it %s', async (_outcome, succeeds) => {
    const startup = new StartupTasks();
    let settle: () => void = () => {};
    const work = new Promise<void>((resolve, reject) => {
      settle = succeeds ? resolve : () => reject(new Error('an example failed'));
    });
    startup.track('example_skills', work).catch(() => {});
    const t = await createTestApp('pglite', { deps: { startup } });
    apps.push(t);

    const before = await t.app.request('/readyz');
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ status: 'not_ready', starting: ['example_skills'] });
    expect((await t.app.request('/healthz')).status).toBe(200);

    settle();
    await work.catch(() => {});
    const after = await t.app.request('/readyz');
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ status: 'ready', starting: [] });
  });
});

describe('first start with example skills', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'os-readyz-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is ready only once the examples answer', async () => {
    const { server, token } = await startTestServer(dataDir, { LOAD_EXAMPLES: true });
    try {
      const seen: number[] = [];
      for (;;) {
        const res = await fetch(`${server.url}/readyz`);
        const body = (await res.json()) as { starting: string[] };
        seen.push(res.status);
        if (res.status === 200) break;
        expect(res.status).toBe(503);
        expect(body.starting).toEqual(['example_skills']);
        await new Promise((r) => setTimeout(r, 20));
      }
      // The first start answered before the examples were loaded, and the first 200 comes with them in place.
      expect(seen[0]).toBe(503);
      const skill = await fetch(`${server.url}/skills/excel-to-pptx`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(skill.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
