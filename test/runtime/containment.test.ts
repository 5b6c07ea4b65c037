import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type ProcessSandbox } from '../../src/runtime/sandbox.ts';
import type { SandboxJob, SandboxResult } from '../../src/runtime/types.ts';
import { fakeHost, job } from './helpers.ts';

// What a guest can reach outside the V8 heap, and what it can leave behind, is bounded by the sandbox itself.
const SHORT: Partial<SandboxJob['limits']> = { timeoutMs: 3000, cpuMs: 5000, memoryMb: 32 };

function expectOutcome(r: SandboxResult, status: SandboxResult['status'], type: string): void {
  expect({ status: r.status, type: r.error?.type }, r.error?.message).toEqual({ status, type });
}

describe('JavaScript skill isolates', () => {
  let sandbox: ProcessSandbox;
  beforeAll(() => {
    sandbox = createSandbox({ size: 1, warmIsolates: 1 });
  });
  afterAll(() => sandbox.close());
  const exec = (code: string, limits: Partial<SandboxJob['limits']> = {}) =>
    sandbox.execute(job(code, { limits: { ...SHORT, ...limits } }), fakeHost());
  const benign = async () =>
    expect(await exec('export default (input) => input.n + 1')).toMatchObject({ status: 'succeeded', output: 22 });

  it('have no WebAssembly, SharedArrayBuffer or FinalizationRegistry (memory and callbacks outside the run)', async () => {
    const r =
      await exec(`export default () => [typeof WebAssembly, typeof SharedArrayBuffer, typeof FinalizationRegistry,
      typeof WeakRef, typeof Atomics, Object.getOwnPropertyNames(globalThis).filter((k) => /wasm|webassembly|shared/i.test(k))]`);
    expect(r.output).toEqual(['undefined', 'undefined', 'undefined', 'function', 'object', []]);
    // The classic way to grow a worker past its limit: 16 MB declared, gigabytes of wasm memory.
    const bomb = await exec(
      `export default () => { const m = []; for (;;) m.push(new WebAssembly.Memory({ initial: 16000 })); }`,
      {
        memoryMb: 16,
      },
    );
    expectOutcome(bomb, 'failed', 'skill_error');
    expect(bomb.error?.message).toMatch(/WebAssembly is not defined/);
    await benign();
  });

  it('expose no bootstrap function through Error.prepareStackTrace, CallSite or fn.caller', async () => {
    const r = await exec(`export default async (input, ctx) => {
      const found = [];
      Error.prepareStackTrace = (e, sites) => {
        for (const s of sites) { const f = s.getFunction(); const t = s.getThis(); if (f || (t && t !== globalThis)) found.push(String(s.getFunctionName())); }
        return 'mapped';
      };
      // Errors raised inside bootstrap code, and read by it: a throwing getter, a bad host call, a thrown value.
      try { console.log({ get x() { throw new Error('in format'); } }); } catch (e) { void e.stack; }
      try { await ctx.files.read(123); } catch (e) { void e.stack; }
      return { found };
    }`);
    expect(r.status, r.error?.message).toBe('succeeded');
    expect(r.output).toEqual({ found: [] });
    // A sloppy-mode run function called by the bootstrap asks for its caller.
    const caller = await exec("export default new Function('input', 'ctx', 'return typeof arguments.callee.caller');");
    expect(caller).toMatchObject({ status: 'succeeded', output: 'object' });
    await benign();
  });

  it('cap error messages and stacks, whatever the skill throws', async () => {
    const r = await exec('export default () => { throw new Error("x".repeat(2 * 1024 * 1024)); }', { memoryMb: 64 });
    expectOutcome(r, 'failed', 'skill_error');
    expect(r.error!.message.length).toBeLessThan(10_000);
    expect(r.error!.message).toMatch(/more characters\]$/);
    const thrown = await exec('export default () => { throw "y".repeat(1024 * 1024); }', { memoryMb: 64 });
    expect(thrown.error!.message.length).toBeLessThan(10_000);
    await benign();
  });

  it('end a run whose output the database cannot store (NUL, nesting) as failed, with a clear error', async () => {
    const nul = await exec('export default () => ({ text: "a\\u0000b" })');
    expectOutcome(nul, 'failed', 'skill_error');
    expect(nul.error?.message).toMatch(/NUL/);
    const deep = await exec('export default () => { let v = 1; for (let i = 0; i < 1000; i++) v = [v]; return v; }');
    expectOutcome(deep, 'failed', 'skill_error');
    expect(deep.error?.message).toMatch(/deeper than/);
    const logged = await exec('export default () => { console.log("a\\u0000b"); return 1; }');
    expect(logged.logs[0]?.message).toBe('a\uFFFDb');
    await benign();
  });

  it('check input and output against the declared contract in the worker, with linear-time patterns', async () => {
    const contract = { inputSchema: { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } } } };
    const evil = job('export default () => 1', {
      input: { s: `${'a'.repeat(50_000)}b` },
      io: { contract, files: [] },
      limits: SHORT,
    });
    const started = Date.now();
    const r = await sandbox.execute(evil, fakeHost());
    expectOutcome(r, 'failed', 'invalid_input');
    expect(r.error?.errors?.[0]?.field).toBe('input.s');
    // A backtracking engine needs longer than the universe has for this input; RE2 answers at once.
    expect(Date.now() - started).toBeLessThan(SHORT.timeoutMs!);
    const output = await sandbox.execute(
      job('export default () => ({ n: "x" })', {
        io: { contract: { outputs: [{ name: 'n', type: 'number', required: true }] }, files: [] },
        limits: SHORT,
      }),
      fakeHost(),
    );
    expectOutcome(output, 'failed', 'skill_error');
    expect(output.error?.errors).toEqual([{ field: 'output.n', message: 'must be a number' }]);
    await benign();
  });
});

describe('a pool that allows WebAssembly (a Python runtime)', () => {
  let sandbox: ProcessSandbox;
  beforeAll(() => {
    sandbox = createSandbox({
      size: 1,
      warmIsolates: 0,
      capabilities: { webAssembly: true, finalizers: true },
      maxWorkerRssMb: 400,
    });
  });
  afterAll(() => sandbox.close());

  it('keeps WebAssembly in its own isolates, and a worker past its RSS ceiling ends the run with memory_limit', async () => {
    const pids = sandbox.workerPids();
    const r = await sandbox.execute(
      job(
        `export default () => { const all = [];
          for (;;) { const m = new WebAssembly.Memory({ initial: 1600 }); new Uint8Array(m.buffer).fill(1); all.push(m); } }`,
        { limits: { ...SHORT, memoryMb: 16, timeoutMs: 20_000 } },
      ),
      fakeHost(),
    );
    expectOutcome(r, 'failed', 'memory_limit');
    // The run reports what it really took, far past its 16 MB heap limit.
    expect(r.usage.memory_peak_bytes).toBeGreaterThan(100 * 1024 * 1024);
    // The worker is recycled, and the next run is served by its replacement.
    const next = await sandbox.execute(job('export default () => typeof WebAssembly', { limits: SHORT }), fakeHost());
    expect(next).toMatchObject({ status: 'succeeded', output: 'object' });
    expect(sandbox.workerPids()).not.toEqual(pids);
  });
});
