import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { bundleForm, runnableSkill, skillMd } from '../helpers/bundles.ts';
import { deflatedZeros, rawZip } from '../helpers/raw-zip.ts';
import { type Json, publishCode, run } from '../runs/helpers.ts';

/**
 * One hostile case per class of issue 10, each followed by a benign run that must succeed, all through the API.
 * The API process's event loop is watched for the whole suite: no request's own work, nor a skill's, may block it.
 * Before these fixes single requests blocked it for 6 to 22 s. The bound is 2 s: on a quiet machine the suite
 * stays near 300 ms (an embedded PGlite write of a 4 MB output is synchronous), and a loaded 2-core CI box shared
 * with other test files adds timer lateness that is not ours. Crash recovery (class 9) needs a process to kill:
 * test/api/crash-recovery.test.ts. Class 5 (SKILL.md parsing) and 10 (token lifetimes) are tested with their code.
 */
const MAX_EVENT_LOOP_DELAY_MS = 2000;

describe('the hostile suite', () => {
  let t: TestApp;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  beforeAll(async () => {
    t = await createTestApp('pglite');
    await publishSkill(t, runnableSkill('benign'), 'benign');
    // Workers start with the first run; the suite measures from there.
    await run(t, { skill: 'benign', input: { name: 'warm' } });
    delay.enable();
  });

  afterAll(async () => {
    delay.disable();
    await t.close();
  });

  const benign = async () => {
    const { body } = await run(t, { skill: 'benign', input: { name: 'ok' } });
    expect(body).toMatchObject({ status: 'succeeded', output: { hello: 'ok' } });
  };
  const hostile = async (name: string, code: string, front: Record<string, unknown> = {}, input: unknown = {}) => {
    await publishCode(t, name, code, front);
    const { status, body } = await run(t, { skill: name, input, timeout_ms: (front['timeout_ms'] as number) ?? 3000 });
    expect(status).toBe(201);
    return body as Json;
  };

  it('1. memory outside the heap: no WebAssembly for skills; heap and ArrayBuffer bombs end with memory_limit', async () => {
    const wasm = await hostile(
      'wasm-bomb',
      'export default () => { const m: unknown[] = []; for (;;) m.push(new (globalThis as any).WebAssembly.Memory({ initial: 16000 })); };',
      { memory_mb: 16 },
    );
    expect(wasm).toMatchObject({ status: 'failed', error: { type: 'skill_error' } });
    await benign();
    const buffers = await hostile(
      'buffer-bomb',
      'export default () => { const a: ArrayBuffer[] = []; for (;;) a.push(new ArrayBuffer(1 << 20)); };',
      { memory_mb: 32, timeout_ms: 5000 },
    );
    expect(buffers).toMatchObject({ status: 'failed', error: { type: 'memory_limit' } });
    await benign();
  });

  it('2. admission: fan-out is capped, un-awaited children are cancelled when their parent ends', async () => {
    await publishCode(t, 'spin', 'export default () => { for (;;) {} };');
    const fanout = await hostile(
      'fan-out',
      'export default async (i: unknown, ctx: any) => { for (let n = 0; n < 60; n++) await ctx.callSkill("benign", { name: String(n) }); };',
      { timeout_ms: 20_000 },
    );
    expect(fanout).toMatchObject({ status: 'failed', error: { type: 'limit_exceeded' } });
    expect(fanout.error.message).toMatch(/more than 50 runs/);
    const parent = await hostile(
      'leaves-child',
      'export default (i: unknown, ctx: any) => { void ctx.callSkill("spin", {}).catch(() => {}); return "done"; };',
      {
        timeout_ms: 20_000,
      },
    );
    expect(parent.status).toBe('succeeded');
    const children = (await (await t.request(`/runs?parent_run_id=${parent.id}`)).json()) as Json;
    expect(children.data).toHaveLength(1);
    // Final before the parent's own row was: the spinner did not run on to its 20 s deadline.
    expect(children.data[0]).toMatchObject({ status: 'cancelled' });
    await benign();
  });

  it('3. nothing outlives its run, and no bootstrap function is reachable', async () => {
    const probe = await hostile(
      'probe',
      `export default () => {
        const found: string[] = [];
        (Error as any).prepareStackTrace = (_e: unknown, sites: any[]) => { for (const s of sites) if (s.getFunction()) found.push(String(s.getFunctionName())); return ''; };
        try { console.log({ get x() { throw new Error('x'); } }); } catch (e) { void (e as Error).stack; }
        return { found, finalizers: typeof (globalThis as any).FinalizationRegistry };
      };`,
    );
    expect(probe).toMatchObject({ status: 'succeeded', output: { found: [], finalizers: 'undefined' } });
    const dangling = await hostile(
      'dangling',
      'export default () => { (async () => { for (;;) await null; })(); return 1; };',
      {
        timeout_ms: 1000,
      },
    );
    expect(dangling.status).toBe('timed_out');
    await benign();
  });

  it('4. a 1 MB zip that inflates to 256 MB is refused while inflating', async () => {
    const md = new TextEncoder().encode(skillMd({ name: 'bomb', description: 'x' }));
    const zip = rawZip([
      { name: 'bomb/SKILL.md', data: md },
      { name: 'bomb/zeros.bin', data: await deflatedZeros(256 * 1024 * 1024), method: 8, size: 100, crc: 0 },
    ]);
    const res = await t.request('/skills', { method: 'POST', body: bundleForm(zip) });
    expect([413, 422]).toContain(res.status);
    await benign();
  });

  it('6. author regexes and quadratic schemas never run on the API event loop', async () => {
    const redos = await hostile(
      'redos',
      'export default () => 1;',
      {
        input_schema: { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } } },
      },
      { s: `${'a'.repeat(100_000)}!` },
    );
    expect(redos).toMatchObject({ status: 'failed', error: { type: 'invalid_input' } });
    const unique = await hostile(
      'unique',
      'export default () => 1;',
      {
        input_schema: { type: 'object', properties: { xs: { type: 'array', uniqueItems: true } } },
        timeout_ms: 1500,
      },
      { xs: Array.from({ length: 40_000 }, (_, i) => ({ i })) },
    );
    // However long the check would take, it runs in the sandbox under the run's deadline.
    expect(['succeeded', 'timed_out']).toContain(unique.status);
    await benign();
  });

  it('7. every route has a body limit; unstorable JSON is a 400 problem', async () => {
    const big = await t.request('/skills/search', { method: 'POST', json: { query: 'x'.repeat(2 * 1024 * 1024) } });
    expect(big.status).toBe(413);
    const deep = await t.request('/skills', {
      method: 'POST',
      body: `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(deep.status).toBe(400);
    const nul = await t.request('/skills', {
      method: 'POST',
      json: { name: 'a\u0000b', description: 'x', visibility: 'org' },
    });
    expect(nul.status).toBe(400);
    expect((await nul.json()).detail).toMatch(/NUL/);
    expect((await t.request('/skills/a%00b')).status).toBe(400);
    await benign();
  });

  it('8. bytes a run writes are bounded: inputs, outputs, errors, artifacts and listings', async () => {
    const before = (await (await t.request('/runs?limit=100')).json()) as Json;
    const tooBig = await t.request('/runs', {
      method: 'POST',
      json: { skill: 'benign', input: { name: 'x'.repeat(1_100_000) } },
    });
    expect(tooBig.status).toBe(413);
    const after = (await (await t.request('/runs?limit=100')).json()) as Json;
    expect(after.data.length).toBe(before.data.length);

    const nul = await hostile('nul-output', 'export default () => ({ text: "a\\u0000b" });');
    expect(nul).toMatchObject({ status: 'failed', error: { type: 'skill_error' } });
    const loud = await hostile('loud-error', 'export default () => { throw new Error("e".repeat(3_000_000)); };', {
      memory_mb: 64,
    });
    expect(loud.error.message.length).toBeLessThan(10_000);

    const writer = await hostile(
      'late-writer',
      `export default (i: unknown, ctx: any) => {
        for (let n = 0; n < 5; n++) void ctx.artifacts.write('a' + n + '.bin', new Uint8Array(200_000), { mimeType: 'text/plain\\r\\nX-Evil: 1' }).catch(() => {});
        return 'returned before the writes finished';
      };`,
    );
    expect(writer.status).toBe('succeeded');
    const rows = await t.db.query<{ id: string; mime_type: string }>(
      'select id, mime_type from skill_artifacts where run_id = $1',
      [writer.id],
    );
    const blobs = readdirSync(join(t.artifactsDir, 'artifacts', writer.id), { withFileTypes: true }).map((d) => d.name);
    expect(blobs.sort()).toEqual(rows.map((r) => r.id).sort());
    for (const row of rows) {
      expect(row.mime_type).toBe('application/octet-stream');
      expect((await t.request(`/artifacts/${row.id}`)).status).toBe(200);
    }

    const large = await hostile('large-output', 'export default () => ({ text: "x".repeat(4_000_000) });', {
      memory_mb: 128,
    });
    expect(large.status).toBe('succeeded');
    const listed = (await (await t.request('/runs?skill=large-output')).json()) as Json;
    expect(listed.data[0]).toMatchObject({ truncated: ['output'], output: { truncated: true } });
    expect(JSON.stringify(listed).length).toBeLessThan(64 * 1024);
    expect(((await (await t.request(`/runs/${large.id}`)).json()) as Json).output.text).toHaveLength(4_000_000);
    await benign();
  });

  it(`kept the API's event loop responsive throughout (max delay < ${MAX_EVENT_LOOP_DELAY_MS} ms)`, () => {
    const maxMs = delay.max / 1e6;
    console.info(
      `hostile suite: API event-loop delay max ${maxMs.toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`,
    );
    expect(maxMs).toBeLessThan(MAX_EVENT_LOOP_DELAY_MS);
  });
});
