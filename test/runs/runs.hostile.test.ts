import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { runnableSkill } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';
import { publishCode, run } from './helpers.ts';

describe.each(backends)('hostile skills through the API on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
    await publishSkill(t, runnableSkill('benign'), 'benign');
  });
  afterAll(() => t.close());

  const cases: [string, string, Record<string, unknown>, string, string][] = [
    ['infinite-loop', 'export default () => { for (;;) {} };', {}, 'timed_out', 'timeout'],
    [
      'heap-bomb',
      'export default () => { const a: string[] = []; for (;;) a.push("x".repeat(64) + a.length); };',
      { memory_mb: 32, timeout_ms: 5000 },
      'failed',
      'memory_limit',
    ],
    ['never-resolves', 'export default () => new Promise(() => {});', {}, 'timed_out', 'timeout'],
    [
      'proto-output',
      'export default () => JSON.parse(\'{"__proto__": {"polluted": true}, "ok": 1}\');',
      {},
      'succeeded',
      '',
    ],
  ];

  it.each(cases)('%s ends %s (%s) and a benign run succeeds after it', async (name, code, front, status, type) => {
    await publishCode(t, name, code, front);
    const { status: http, body } = await run(t, {
      skill: name,
      input: {},
      timeout_ms: (front['timeout_ms'] as number) ?? 1000,
    });
    expect(http).toBe(201);
    expect(body.status).toBe(status);
    if (type) expect(body.error.type).toBe(type);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const after = await run(t, { skill: 'benign', input: { name: 'ok' } });
    expect(after.body).toMatchObject({ status: 'succeeded', output: { hello: 'ok' } });
  });
});
