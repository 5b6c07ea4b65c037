import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type ProcessSandbox } from '../../src/runtime/sandbox.ts';
import type { SandboxHost, SandboxJob } from '../../src/runtime/types.ts';
import { fakeHost, job } from './helpers.ts';

// Every run passes admission; children borrow their parent's slot or queue; tenants share slots fairly.
let sandbox: ProcessSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** A job for `tenant`; `mark(name)` in its code reports a moment of the run to `events`. */
const MARK = 'const mark = (ctx, what) => ctx.files.read(what);';
const busy = (ms: number) => `{ const until = Date.now() + ${ms}; while (Date.now() < until) {} }`;

/** A host that records the files a run reads as events, and runs ctx.callSkill children in the same sandbox. */
function composingHost(box: ProcessSandbox, parent: SandboxJob, children: Record<string, string>, events: string[]) {
  const base = fakeHost();
  const host: SandboxHost = {
    ...base,
    async readFile(name) {
      events.push(`${parent.runId}:${name}`);
      return new Uint8Array();
    },
    async callSkill(name, input) {
      const child = job(children[name] ?? 'export default () => null', {
        runId: `${parent.runId}/${name}-${events.length}`,
        depth: parent.depth + 1,
        parentRunId: parent.runId,
        treeId: parent.treeId ?? parent.runId,
        tenant: parent.tenant,
        input,
        deadline: parent.deadline,
      });
      const r = await box.execute(child, composingHost(box, child, children, events));
      if (r.status !== 'succeeded') throw new Error(`${name} ${r.status}: ${r.error?.message}`);
      return r.output;
    },
  };
  return host;
}

/** The most runs between a `start` and an `end` event at once. */
function maxOverlap(events: string[]): number {
  let now = 0;
  let max = 0;
  for (const e of events) {
    if (e.endsWith(':start')) max = Math.max(max, ++now);
    if (e.endsWith(':end')) now--;
  }
  return max;
}

describe('admission', () => {
  it('queues ctx.callSkill children: with one slot they run one at a time, on their parent’s slot', async () => {
    sandbox = createSandbox({ size: 1, warmIsolates: 1 });
    const events: string[] = [];
    const child = `${MARK} export default async (i, ctx) => { await mark(ctx, 'start'); ${busy(150)} await mark(ctx, 'end'); return i; }`;
    const root = job('export default (i, ctx) => Promise.all([1, 2, 3].map((n) => ctx.callSkill("child", n)))', {
      runId: 'root',
      tenant: 'acme',
    });
    const r = await sandbox.execute(root, composingHost(sandbox, root, { child }, events));
    expect(r, r.error?.message).toMatchObject({ status: 'succeeded', output: [1, 2, 3] });
    expect(events.filter((e) => e.endsWith(':start'))).toHaveLength(3);
    expect(maxOverlap(events)).toBe(1);
  });

  it('stops a parent that computes while its child holds its slot', async () => {
    sandbox = createSandbox({ size: 1, warmIsolates: 1 });
    const child = `export default async () => { ${busy(400)} return 1; }`;
    const root = job(
      `export default async (i, ctx) => { const p = ctx.callSkill("child", 1); ${busy(1500)} return p; }`,
      {
        runId: 'greedy',
        tenant: 'acme',
      },
    );
    const r = await sandbox.execute(root, composingHost(sandbox, root, { child }, []));
    expect({ status: r.status, type: r.error?.type }, r.error?.message).toEqual({
      status: 'failed',
      type: 'limit_exceeded',
    });
    expect(r.error?.message).toMatch(/await children/);
  });

  it('cannot deadlock: two trees of nested children share one slot and both finish', async () => {
    sandbox = createSandbox({ size: 1, warmIsolates: 1 });
    const children = {
      a: 'export default async (i, ctx) => [i, await ctx.callSkill("b", i + 1)]',
      b: 'export default async (i, ctx) => [i, await ctx.callSkill("c", i + 1)]',
      c: 'export default (i) => i',
    };
    const roots = ['one', 'two'].map((runId) =>
      job('export default (i, ctx) => ctx.callSkill("a", 1)', { runId, tenant: runId }),
    );
    const results = await Promise.all(roots.map((r) => sandbox!.execute(r, composingHost(sandbox!, r, children, []))));
    for (const r of results) expect(r, r.error?.message).toMatchObject({ status: 'succeeded', output: [1, [2, 3]] });
  });

  it('is fair between tenants: 12 queued runs of one org delay another org’s run by one slot at most', async () => {
    sandbox = createSandbox({ size: 1, warmIsolates: 1 });
    const events: string[] = [];
    const code = `${MARK} export default async (i, ctx) => { await mark(ctx, 'start'); ${busy(40)} return 1; }`;
    const start = (runId: string, tenant: string) => {
      const j = job(code, { runId, tenant });
      return sandbox!.execute(j, composingHost(sandbox!, j, {}, events));
    };
    const flood = Array.from({ length: 12 }, (_, i) => start(`a${i}`, 'big-org'));
    while (sandbox.queued() < 11) await new Promise((r) => setTimeout(r, 5));
    const other = start('b0', 'small-org');
    await Promise.all([...flood, other]);
    const order = events.filter((e) => e.endsWith(':start')).map((e) => e.split(':')[0]);
    expect(order.indexOf('b0')).toBeLessThanOrEqual(2);
  });

  it('never fails another tenant’s run when a run wedges its worker', async () => {
    sandbox = createSandbox({ size: 1, warmIsolates: 1, killGraceMs: 300 });
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const wedged = sandbox.execute(
      job(`${MARK} export default async (i, ctx) => { await mark(ctx, 'start'); await new Promise(() => {}); }`, {
        tenant: 'evil',
        limits: { timeoutMs: 800 },
      }),
      {
        ...fakeHost(),
        readFile: async () => {
          started();
          return new Uint8Array();
        },
      },
    );
    await running;
    // Stands for an isolate thread or event loop that no longer answers (the worker cannot end its own run).
    const [pid] = sandbox.workerPids();
    process.kill(pid!, 'SIGSTOP');
    const innocent = sandbox.execute(job('export default () => "fine"', { tenant: 'good' }), fakeHost());
    expect((await wedged).status).toBe('timed_out');
    expect(await innocent).toMatchObject({ status: 'succeeded', output: 'fine' });
  });
});
