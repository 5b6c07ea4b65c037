import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type ProcessSandbox } from '../../src/runtime/sandbox.ts';
import { fakeHost, job, ts } from './helpers.ts';

let sandbox: ProcessSandbox;
beforeAll(() => {
  sandbox = createSandbox({ size: 2, warmIsolates: 1 });
});
afterAll(() => sandbox.close());

const run = (code: string, overrides?: Parameters<typeof job>[1], host = fakeHost()) =>
  sandbox.execute(job(code, overrides), host);

describe('sandbox contract', () => {
  it('passes input and returns JSON output with usage', async () => {
    const r = await run('export default function run(input) { return { doubled: input.n * 2 }; }');
    expect(r.status).toBe('succeeded');
    expect(r.output).toEqual({ doubled: 42 });
    expect(r.usage.wall_ms).toBeGreaterThanOrEqual(0);
    expect(r.usage.memory_peak_bytes).toBeGreaterThan(0);
  });

  it('accepts a named run export and async run; undefined output becomes null', async () => {
    const r = await run('export async function run() { await null; }');
    expect(r).toMatchObject({ status: 'succeeded', output: null });
  });

  it('captures console and ctx.log lines and forwards them to host.log', async () => {
    const host = fakeHost();
    const r = await run(
      `export default (input, ctx) => {
        console.log('hello', { a: 1 }, 3); console.warn('careful'); console.error(new Error('bad'));
        console.debug('dbg'); ctx.log('via ctx'); ctx.log.error('ctx error'); return 1; }`,
      {},
      host,
    );
    expect(r.status).toBe('succeeded');
    expect(r.logs.map((l) => [l.level, l.message.split('\n')[0]])).toEqual([
      ['info', 'hello {"a":1} 3'],
      ['warn', 'careful'],
      ['error', 'Error: bad'],
      ['debug', 'dbg'],
      ['info', 'via ctx'],
      ['error', 'ctx error'],
    ]);
    expect(r.logs[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(host.logged).toHaveLength(6);
  });

  it('truncates logs past maxLogBytes with one truncation line', async () => {
    const r = await run('export default () => { for (let i = 0; i < 100; i++) console.log("x".repeat(50)); }', {
      limits: { maxLogBytes: 200 },
    });
    expect(r.status).toBe('succeeded');
    expect(r.logs).toHaveLength(5);
    expect(r.logs[4]?.message).toMatch(/truncated/);
  });

  it('exposes ctx.run and frozen ctx.secrets', async () => {
    const r = await run(`export default (i, ctx) => {
      'use strict';
      let frozen = false; try { ctx.secrets.API_KEY = 'x'; } catch { frozen = true; }
      return { run: ctx.run, key: ctx.secrets.API_KEY, frozen }; }`);
    expect(r.output).toEqual({
      run: { id: 'run-1', skill: 'demo', version: '1.2.3' },
      key: 'secret-value',
      frozen: true,
    });
  });

  it('reads files and resources, writes artifacts through the host', async () => {
    const host = fakeHost();
    const r = await run(
      `export default async (i, ctx) => {
        const bytes = await ctx.files.read('a.txt');
        const text = await ctx.files.readText('b.txt');
        const res = await ctx.resources.readText('references/guide.md');
        const art = await ctx.artifacts.write('out.txt', 'héllo', { mimeType: 'text/plain' });
        const bin = await ctx.artifacts.write('out.bin', new Uint8Array([1, 2, 3]));
        return { isBytes: bytes instanceof Uint8Array, len: bytes.length, text, res, art, binSize: bin.size };
      }`,
      {},
      host,
    );
    expect(r.status).toBe('succeeded');
    expect(r.output).toEqual({
      isBytes: true,
      len: 'content of a.txt'.length,
      text: 'content of b.txt',
      res: 'resource references/guide.md',
      art: { id: 'art-out.txt', name: 'out.txt', size: 6, mimeType: 'text/plain', sha256: 'abc' },
      binSize: 3,
    });
    const write = host.calls.find((c) => c.op === 'writeArtifact');
    expect(new TextDecoder().decode(write?.args[1] as Uint8Array)).toBe('héllo');
  });

  it('delegates fetch and returns a Response-like object', async () => {
    const host = fakeHost();
    const r = await run(
      `export default async (i, ctx) => {
        const res = await ctx.fetch('https://allowed.example/x', { method: 'post', headers: { 'X-A': '1' }, body: 'hi' });
        return { ok: res.ok, status: res.status, statusText: res.statusText, url: res.url,
          ct: res.headers.get('content-type'), json: await res.json() };
      }`,
      {},
      host,
    );
    expect(r.output).toEqual({
      ok: true,
      status: 201,
      statusText: 'Created',
      url: 'https://allowed.example/x',
      ct: 'application/json',
      json: { echo: 'POST', body: 'hi' },
    });
    expect(host.calls[0]?.args[0]).toMatchObject({ method: 'POST', headers: { 'X-A': '1' } });
  });

  it('surfaces a denied fetch to the guest and, uncaught, as the run error type', async () => {
    const caught = await run(`export default async (i, ctx) => {
      try { await ctx.fetch('https://evil.example/'); } catch (e) { return { name: e.name, type: e.type, message: e.message, isError: e instanceof Error }; }
    }`);
    expect(caught.output).toEqual({
      name: 'HostCallError',
      type: 'network_denied',
      message: 'Network access to https://evil.example/ is not allowed',
      isError: true,
    });
    const uncaught = await run(`export default async (i, ctx) => { await ctx.fetch('https://evil.example/'); }`);
    expect(uncaught.status).toBe('failed');
    expect(uncaught.error?.type).toBe('network_denied');
    expect(uncaught.error?.stack ?? '').not.toMatch(/node:|worker|bootstrap|isolated-vm/);
  });

  it('delegates callSkill', async () => {
    const r = await run(`export default (i, ctx) => ctx.callSkill('other', { q: 1 }, { version: '2.0.0' })`);
    expect(r.output).toEqual({ child: 'other', input: { q: 1 }, version: '2.0.0' });
  });

  it('loads multi-file bundles with relative imports', async () => {
    const r = await run(
      `import { add } from './lib/math.js'; import { name } from './lib/name';
       export default () => ({ sum: add(2, 3), name });`,
      {
        modules: {
          'scripts/lib/math.js': `import { one } from '../util.ts'; export const add = (a, b) => a + b + one - 1;`,
          'scripts/util.js': 'export const one = 1;',
          'scripts/lib/name.js': `export const name = 'lib';`,
        },
      },
    );
    expect(r).toMatchObject({ status: 'succeeded', output: { sum: 5, name: 'lib' } });
  });

  it('maps TypeScript stacks to original lines and hides host frames', async () => {
    const main = ts(
      'scripts/main.ts',
      [
        "import { fail } from './helper.ts';",
        'interface In { n: number }',
        '',
        'export default function run(input: In): number {',
        '  return fail(input.n);',
        '}',
      ].join('\n'),
    );
    const helper = ts(
      'scripts/helper.ts',
      [
        'type N = number;',
        '',
        '',
        'export function fail(n: N): never {',
        "  throw new Error('broken ' + n);",
        '}',
      ].join('\n'),
    );
    const r = await sandbox.execute(
      job(main.js, {
        modules: { 'scripts/helper.js': helper.js },
        sourceMaps: { 'scripts/main.js': main.map, 'scripts/helper.js': helper.map },
      }),
      fakeHost(),
    );
    expect(r.status).toBe('failed');
    expect(r.error?.type).toBe('skill_error');
    expect(r.error?.message).toBe('broken 21');
    const stack = r.error?.stack ?? '';
    expect(stack).toMatch(/^Error: broken 21\n/);
    expect(stack).toContain('at fail (scripts/helper.ts:5:');
    expect(stack).toContain('at run (scripts/main.ts:5:');
    expect(stack).not.toMatch(/node:|file:|isolated-vm|osk:/);
  });

  it('gives a readable message for thrown non-Error values', async () => {
    const s = await run(`export default () => { throw 'plain string'; }`);
    expect(s.error).toMatchObject({ type: 'skill_error', message: 'plain string' });
    const o = await run(`export default () => { throw { code: 42 }; }`);
    expect(o.error?.message).toContain('{"code":42}');
  });

  it('provides TextEncoder/TextDecoder, atob/btoa, structuredClone, URL', async () => {
    const r = await run(`export default () => {
      const bytes = new TextEncoder().encode('zürich €😀');
      const u = new URL('/a/../b?x=1&y=two#h', 'https://user@Example.com:8443/base/');
      u.searchParams.append('z', 'a b');
      const clone = structuredClone({ a: [1, { b: 2 }] });
      return { len: bytes.length, back: new TextDecoder().decode(bytes), b64: btoa('hello'), raw: atob('aGVsbG8='),
        href: u.href, host: u.host, y: u.searchParams.get('y'), clone,
        sp: new URLSearchParams({ q: 'x y' }).toString() };
    }`);
    expect(r.output).toEqual({
      len: 15,
      back: 'zürich €😀',
      b64: 'aGVsbG8=',
      raw: 'hello',
      href: 'https://user@example.com:8443/b?x=1&y=two&z=a+b#h',
      host: 'example.com:8443',
      y: 'two',
      clone: { a: [1, { b: 2 }] },
      sp: 'q=x+y',
    });
  });

  it('fails on a missing run export and on a syntax error with skill_error', async () => {
    const none = await run('export const x = 1;');
    expect(none.error).toMatchObject({ type: 'skill_error' });
    expect(none.error?.message).toMatch(/run/);
    const syntax = await run('export default () => {');
    expect(syntax.error?.type).toBe('skill_error');
    expect(syntax.error?.message).toMatch(/scripts\/main\.js/);
  });

  it('enforces maxHostCalls and artifact limits with limit_exceeded', async () => {
    const calls = await run(`export default async (i, ctx) => { for (;;) await ctx.files.read('a'); }`, {
      limits: { maxHostCalls: 5 },
    });
    expect(calls).toMatchObject({ status: 'failed', error: { type: 'limit_exceeded' } });
    const count = await run(`export default async (i, ctx) => {
      for (let i = 0; i < 10; i++) await ctx.artifacts.write('a' + i, 'x'); }`);
    expect(count).toMatchObject({ status: 'failed', error: { type: 'limit_exceeded' } });
    const bytes = await run(
      `export default async (i, ctx) => { await ctx.artifacts.write('big', 'x'.repeat(200000)); }`,
    );
    expect(bytes).toMatchObject({ status: 'failed', error: { type: 'limit_exceeded' } });
  });

  it('cancels queued and running jobs through the AbortSignal', async () => {
    const controller = new AbortController();
    const pending = sandbox.execute(
      job('export default () => new Promise(() => {})', { limits: { timeoutMs: 10_000 } }),
      fakeHost(),
      controller.signal,
    );
    setTimeout(() => controller.abort(), 200);
    expect(await pending).toMatchObject({ status: 'cancelled', error: { type: 'cancelled' } });
    const before = AbortSignal.abort();
    const r = await sandbox.execute(job('export default () => 1'), fakeHost(), before);
    expect(r).toMatchObject({ status: 'cancelled', error: { type: 'cancelled' } });
  });
});
