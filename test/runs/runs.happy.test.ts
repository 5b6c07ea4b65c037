import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { runnableSkill, skillMd } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';
import { codeSkill, type Json, parseSse, publishCode, run, waitForRun } from './helpers.ts';

const sha = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

describe.each(backends)('runs API on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
    await publishSkill(t, runnableSkill('hello'), 'hello');
  });
  afterAll(() => t.close());

  it('runs a skill synchronously and records the run', async () => {
    const { status, body } = await run(t, { skill: 'hello', input: { name: 'Ada' } });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      skill: 'hello',
      version: '1.0.0',
      status: 'succeeded',
      input: { name: 'Ada' },
      output: { hello: 'Ada' },
      error: null,
      logs: [],
      artifacts: [],
      parent_run_id: null,
    });
    expect(Object.keys(body).sort()).toEqual(
      [
        'id',
        'skill',
        'skill_id',
        'skill_version_id',
        'version',
        'status',
        'input',
        'output',
        'error',
        'logs',
        'artifacts',
        'usage',
        'parent_run_id',
        'created_at',
        'started_at',
        'finished_at',
        'duration_ms',
      ].sort(),
    );
    expect(body.usage.wall_ms).toBeGreaterThanOrEqual(0);
    expect(body.duration_ms).toBeGreaterThanOrEqual(0);
    const got = await t.request(`/runs/${body.id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(body);

    const bySkill = (await (await t.request('/skills/hello/runs')).json()) as Json;
    expect(bySkill.data.map((r: Json) => r.id)).toContain(body.id);
    const filtered = (await (await t.request('/runs?status=failed&skill=hello')).json()) as Json;
    expect(filtered.data.map((r: Json) => r.id)).not.toContain(body.id);
  });

  it('pages through runs with a cursor', async () => {
    for (let i = 0; i < 3; i++) await run(t, { skill: 'hello', version: '1.0.0', input: { name: `p${i}` } });
    const first = (await (await t.request('/runs?skill=hello&limit=2')).json()) as Json;
    expect(first.data).toHaveLength(2);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = (await (await t.request(`/runs?skill=hello&limit=2&cursor=${first.next_cursor}`)).json()) as Json;
    expect(second.data.length).toBeGreaterThan(0);
    expect(second.data.map((r: Json) => r.id)).not.toContain(first.data[0].id);
    const since = (await (await t.request('/runs?since=2999-01-01T00:00:00Z')).json()) as Json;
    expect(since.data).toEqual([]);
  });

  it('answers 404 for unknown skills and versions, 400 for a malformed request', async () => {
    expect((await run(t, { skill: 'nope' })).status).toBe(404);
    expect((await run(t, { skill: 'hello', version: '9.9.9' })).status).toBe(404);
    const bad = await run(t, { skill: 'hello', chain: [{ skill: 'hello' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.skill' })]));
  });

  it('validates declared inputs (list form and JSON Schema) into a failed run listing the fields', async () => {
    await publishCode(t, 'typed-in', 'export default (i: any) => ({ ok: i.n * 2 });', {
      inputs: [
        { name: 'n', type: 'number', required: true },
        { name: 'label', type: 'string' },
      ],
    });
    const bad = await run(t, { skill: 'typed-in', input: { label: 7 } });
    expect(bad.status).toBe(201);
    expect(bad.body).toMatchObject({ status: 'failed', error: { type: 'invalid_input' } });
    expect(bad.body.error.errors.map((e: Json) => e.field).sort()).toEqual(['input.label', 'input.n']);
    expect((await run(t, { skill: 'typed-in', input: { n: 4 } })).body.output).toEqual({ ok: 8 });

    await publishCode(t, 'schema-in', 'export default (i: any) => i.items.length;', {
      input_schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', maxItems: 2 } } },
    });
    const schemaBad = await run(t, { skill: 'schema-in', input: { items: [1, 2, 3] } });
    expect(schemaBad.body).toMatchObject({ status: 'failed', error: { type: 'invalid_input' } });
    expect(schemaBad.body.error.errors[0].field).toBe('input.items');
    expect((await run(t, { skill: 'schema-in', input: {} })).body.error.errors[0].field).toBe('input.items');
    expect((await run(t, { skill: 'schema-in', input: { items: [1] } })).body.output).toBe(1);
  });

  it('records an instruction-only skill as a not_runnable run', async () => {
    await publishSkill(
      t,
      { 'SKILL.md': skillMd({ name: 'just-words', description: 'Only instructions' }) },
      'just-words',
    );
    const { status, body } = await run(t, { skill: 'just-words', input: {} });
    expect(status).toBe(201);
    expect(body).toMatchObject({ status: 'failed', error: { type: 'not_runnable' }, output: null });
  });

  it('reads request files and bundle resources, captures logs and stores artifacts with Range downloads', async () => {
    await publishCode(
      t,
      'file-worker',
      [
        'export default async function run(input: { file: string }, ctx: any) {',
        '  const text = await ctx.files.readText(input.file);',
        "  const res = await ctx.resources.readText('resources/greeting.txt');",
        "  console.log('read', text.length);",
        "  ctx.log.warn('careful');",
        "  const a = await ctx.artifacts.write('out.txt', res.trim() + ' ' + text.toUpperCase(), { mimeType: 'text/plain' });",
        '  return { artifact: a, first: text.slice(0, 3) };',
        '}',
      ].join('\n'),
      { inputs: [{ name: 'file', type: 'file', required: true }] },
      { 'resources/greeting.txt': 'hello\n' },
    );
    const form = new FormData();
    form.set('request', JSON.stringify({ skill: 'file-worker', input: { file: 'data.csv' } }));
    form.set('data.csv', new File(['a,b\n1,2'], 'data.csv', { type: 'text/csv' }));
    const res = await t.request('/runs', { method: 'POST', body: form });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Json;
    expect(body).toMatchObject({ status: 'succeeded', output: { first: 'a,b' } });
    expect(body.logs.map((l: Json) => [l.level, l.message])).toEqual([
      ['info', 'read 7'],
      ['warn', 'careful'],
    ]);
    const content = 'hello A,B\n1,2';
    expect(body.artifacts).toEqual([
      expect.objectContaining({ name: 'out.txt', size: content.length, mime_type: 'text/plain', sha256: sha(content) }),
    ]);
    const artifact = body.artifacts[0];
    expect(body.output.artifact).toMatchObject({ id: artifact.id, sha256: sha(content) });

    const listed = (await (await t.request(`/runs/${body.id}/artifacts`)).json()) as Json;
    expect(listed.data).toEqual(body.artifacts);

    const full = await t.request(artifact.url);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toContain('text/plain');
    expect(full.headers.get('content-length')).toBe(String(content.length));
    expect(full.headers.get('etag')).toBe(`"${sha(content)}"`);
    expect(await full.text()).toBe(content);

    const part = await t.request(artifact.url, { headers: { range: 'bytes=6-8' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 6-8/${content.length}`);
    expect(await part.text()).toBe('A,B');
    const suffix = await t.request(artifact.url, { headers: { range: 'bytes=-3' } });
    expect(await suffix.text()).toBe(',2'.padStart(3, '1'));
    const bad = await t.request(artifact.url, { headers: { range: 'bytes=999-' } });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.headers.get('content-range')).toBe(`bytes */${content.length}`);

    // A file the input names but the request did not send is an invalid input.
    const missing = await run(t, { skill: 'file-worker', input: { file: 'other.csv' } });
    expect(missing.body.error).toMatchObject({ type: 'invalid_input', errors: [{ field: 'input.file' }] });
  });

  it('keeps no artifact of a run that fails after writing one', async () => {
    await publishCode(
      t,
      'write-then-fail',
      "export default async (_: any, ctx: any) => { await ctx.artifacts.write('half.bin', 'x'); throw new Error('after'); };",
    );
    const { body } = await run(t, { skill: 'write-then-fail', input: {} });
    expect(body).toMatchObject({ status: 'failed', error: { type: 'skill_error', message: 'after' }, artifacts: [] });
    expect(((await (await t.request(`/runs/${body.id}/artifacts`)).json()) as Json).data).toEqual([]);
    const rows = await t.db.query('select id from skill_artifacts where run_id = $1', [body.id]);
    expect(rows).toEqual([]);
  });

  it('denies ctx.fetch without allow_network, and to private addresses with it', async () => {
    const fetcher = (url: string) =>
      `export default async (_: any, ctx: any) => { const r = await ctx.fetch(${JSON.stringify(url)}); return r.status; };`;
    await publishCode(t, 'no-net', fetcher('https://example.com/'));
    const denied = await run(t, { skill: 'no-net', input: {} });
    expect(denied.body).toMatchObject({ status: 'failed', error: { type: 'network_denied' } });
    expect(denied.body.error.message).toContain('allow_network');

    for (const [name, url] of [
      ['net-loopback', 'https://127.0.0.1/'],
      ['net-metadata', 'https://169.254.169.254/latest/meta-data/'],
      ['net-plain-http', 'http://127.0.0.1/'],
      ['net-not-listed', 'https://example.org/'],
    ] as const) {
      await publishCode(t, name, fetcher(url), {
        allow_network: true,
        network_allowlist: ['127.0.0.1', '169.254.169.254'],
      });
      const r = await run(t, { skill: name, input: {} });
      expect(r.body, name).toMatchObject({ status: 'failed', error: { type: 'network_denied' } });
    }
  });

  it('gives a skill only its declared secrets, decrypted; the secrets API never returns values', async () => {
    const put = await t.request('/secrets/API_KEY', { method: 'PUT', json: { value: 's3cr3t' } });
    expect(put.status).toBe(200);
    await t.request('/secrets/OTHER', { method: 'PUT', json: { value: 'nope' } });
    const listed = await (await t.request('/secrets')).text();
    expect(listed).toContain('API_KEY');
    expect(listed).not.toContain('s3cr3t');
    const [row] = await t.db.query<{ ciphertext: Uint8Array }>("select ciphertext from secrets where name = 'API_KEY'");
    expect(Buffer.from(row!.ciphertext).toString('latin1')).not.toContain('s3cr3t');
    expect((await t.request('/secrets', { as: { role: 'publisher' } })).status).toBe(403);

    await publishCode(
      t,
      'secret-user',
      "export default (_: any, ctx: any) => ({ names: Object.keys(ctx.secrets), raw: ctx.secrets.API_KEY, reversed: ctx.secrets.API_KEY.split('').reverse().join('') });",
      { secrets: ['API_KEY', 'MISSING'] },
    );
    // The skill gets the decrypted value; the value itself never reaches the run record.
    expect((await run(t, { skill: 'secret-user', input: {} })).body.output).toEqual({
      names: ['API_KEY'],
      raw: '[REDACTED]',
      reversed: 't3rc3s',
    });
    expect((await t.request('/secrets/OTHER', { method: 'DELETE' })).status).toBe(204);
    expect((await t.request('/secrets/OTHER', { method: 'DELETE' })).status).toBe(404);
  });

  it('composes with ctx.callSkill: a child run row under the parent, its output returned', async () => {
    await publishCode(t, 'doubler', 'export default (i: { n: number }) => ({ n: i.n * 2 });');
    await publishCode(
      t,
      'caller',
      "export default async (i: { n: number }, ctx: any) => { const a = await ctx.callSkill('doubler', i); const b = await ctx.callSkill('doubler', a, { version: '1.0.0' }); return b; };",
    );
    const { body } = await run(t, { skill: 'caller', input: { n: 3 } });
    expect(body).toMatchObject({ status: 'succeeded', output: { n: 12 } });
    const children = (await (await t.request(`/runs?parent_run_id=${body.id}`)).json()) as Json;
    expect(children.data).toHaveLength(2);
    for (const child of children.data) {
      expect(child).toMatchObject({ skill: 'doubler', status: 'succeeded', parent_run_id: body.id });
    }

    await publishCode(
      t,
      'recursive',
      "export default async (i: { d: number }, ctx: any) => ctx.callSkill('recursive', { d: i.d + 1 });",
    );
    const bomb = await run(t, { skill: 'recursive', input: { d: 0 } });
    expect(bomb.body.status).toBe('failed');
    expect(bomb.body.error.message).toContain('deeper than 5');
  });

  it('runs API-level chains and parallel steps under a parent run', async () => {
    const chain = await run(t, {
      chain: [{ skill: 'doubler', input: { n: 1 } }, { skill: 'doubler' }, { skill: 'doubler' }],
    });
    expect(chain.status).toBe(201);
    expect(chain.body).toMatchObject({ skill: 'chain', status: 'succeeded', output: { n: 8 }, skill_id: null });
    const chainChildren = (await (await t.request(`/runs?parent_run_id=${chain.body.id}`)).json()) as Json;
    expect(chainChildren.data.map((c: Json) => c.output).reverse()).toEqual([{ n: 2 }, { n: 4 }, { n: 8 }]);

    const parallel = await run(t, {
      parallel: [
        { skill: 'doubler', input: { n: 1 } },
        { skill: 'hello', input: { name: 'x' } },
      ],
    });
    expect(parallel.body).toMatchObject({ skill: 'parallel', status: 'succeeded', output: [{ n: 2 }, { hello: 'x' }] });

    const broken = await run(t, {
      chain: [{ skill: 'doubler', input: { n: 1 } }, { skill: 'write-then-fail' }, { skill: 'doubler' }],
    });
    expect(broken.body).toMatchObject({ status: 'failed', error: { type: 'skill_error' } });
    expect(broken.body.error.message).toContain('Step 2 (write-then-fail)');
    const brokenChildren = (await (await t.request(`/runs?parent_run_id=${broken.body.id}`)).json()) as Json;
    expect(brokenChildren.data).toHaveLength(2);
  });

  it('runs a multi-file TypeScript skill and maps its error stack to the .ts line', async () => {
    await publishSkill(
      t,
      codeSkill(
        'ts-multi',
        [
          "import { shout } from './lib/text.ts';",
          'interface In { word: string; fail?: boolean }',
          'export default function run(input: In) {',
          '  return { out: shout(input.word, input.fail) };',
          '}',
        ].join('\n'),
        {},
        {
          'scripts/lib/text.ts': [
            'type W = string;',
            '',
            'export function shout(w: W, fail?: boolean): W {',
            "  if (fail) throw new Error('no shouting');",
            "  return w.toUpperCase() + '!';",
            '}',
          ].join('\n'),
        },
      ),
      'ts-multi',
    );
    expect((await run(t, { skill: 'ts-multi', input: { word: 'hi' } })).body.output).toEqual({ out: 'HI!' });
    const failed = await run(t, { skill: 'ts-multi', input: { word: 'hi', fail: true } });
    expect(failed.body).toMatchObject({ status: 'failed', error: { type: 'skill_error', message: 'no shouting' } });
    expect(failed.body.error.stack).toContain('scripts/lib/text.ts:4:');
    expect(failed.body.error.stack).toContain('scripts/main.ts:4:');
  });

  it('runs async (202), streams events live and replays them to a late subscriber', async () => {
    await publishCode(
      t,
      'slow-logger',
      [
        'export default async (_: any, ctx: any) => {',
        "  console.log('one');",
        "  await ctx.artifacts.write('a.txt', 'A');",
        '  const end = Date.now() + 300; while (Date.now() < end) {}',
        "  console.log('two');",
        '  return 42;',
        '};',
      ].join('\n'),
    );
    const started = await run(t, { skill: 'slow-logger', input: {}, async: true });
    expect(started.status).toBe(202);
    expect(['queued', 'running']).toContain(started.body.status);
    const liveRes = await t.request(`/runs/${started.body.id}/events`);
    expect(liveRes.headers.get('content-type')).toContain('text/event-stream');
    const live = parseSse(await liveRes.text());
    expect(live.at(-1)).toMatchObject({ event: 'done', data: { status: 'succeeded', output: 42 } });
    expect(live.filter((e) => e.event === 'log').map((e) => e.data.message)).toEqual(['one', 'two']);
    expect(live.filter((e) => e.event === 'artifact').map((e) => e.data.name)).toEqual(['a.txt']);

    const late = parseSse(await (await t.request(`/runs/${started.body.id}/events`)).text());
    expect(late[0]?.event).toBe('status');
    expect(late.map((e) => e.event).sort()).toEqual(['artifact', 'done', 'log', 'log', 'status']);
    expect(late.filter((e) => e.event === 'log').map((e) => e.data.message)).toEqual(['one', 'two']);
    expect(late.at(-1)?.data).toEqual(await waitForRun(t, started.body.id));
  });

  it('cancels a running run', async () => {
    await publishCode(t, 'spinner', 'export default () => { for (;;) {} };');
    const started = await run(t, { skill: 'spinner', input: {}, async: true, timeout_ms: 20_000 });
    await new Promise((r) => setTimeout(r, 200));
    const res = await t.request(`/runs/${started.body.id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'cancelled', error: { type: 'cancelled' } });
    expect((await t.request(`/runs/${started.body.id}/cancel`, { method: 'POST' })).status).toBe(409);
    expect((await run(t, { skill: 'hello', input: {} })).body.status).toBe('succeeded');
  });
});
