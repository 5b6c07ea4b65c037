import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type ProcessSandbox } from '../../src/runtime/sandbox.ts';
import { fakeHost, job } from './helpers.ts';

// Workers sized by load: the minimum runs idle, more start when runs wait, and stop again once unused.
let sandbox: ProcessSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const busy = (ms: number) =>
  `export default () => { const until = Date.now() + ${ms}; while (Date.now() < until) {} return 'done'; }`;

async function until(test: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test() && Date.now() < end) await sleep(20);
}

describe('sandbox workers sized by load', () => {
  it('keeps the minimum when idle, grows for waiting runs up to its size, and shrinks back', async () => {
    sandbox = createSandbox({ size: 3, minWorkers: 1, workerIdleMs: 400, warmIsolates: 1 });
    const box = sandbox;
    await until(() => box.workerPids().length === 1);
    expect(await box.execute(job(busy(1)), fakeHost())).toMatchObject({ status: 'succeeded', output: 'done' });
    expect(box.workerPids()).toHaveLength(1);

    const runs = Array.from({ length: 4 }, (_, i) => box.execute(job(busy(800), { runId: `r${i}` }), fakeHost()));
    await until(() => box.workerPids().length === 3, 10_000);
    expect(box.workerPids()).toHaveLength(3);
    for (const r of await Promise.all(runs)) expect(r).toMatchObject({ status: 'succeeded', output: 'done' });

    // Unused for workerIdleMs, the extra workers stop; the minimum stays (one of the processes is still there).
    await until(() => box.workerPids().length === 1);
    expect(box.workerPids()).toHaveLength(1);
    expect(await box.execute(job(busy(1)), fakeHost())).toMatchObject({ status: 'succeeded', output: 'done' });
  });

  it('replaces a killed worker only up to the minimum', async () => {
    sandbox = createSandbox({ size: 2, minWorkers: 1, workerIdleMs: 60_000, warmIsolates: 1 });
    const box = sandbox;
    await until(() => box.workerPids().length === 1);
    const [pid] = box.workerPids();
    process.kill(pid!, 'SIGKILL');
    await until(() => box.workerPids().length === 1 && box.workerPids()[0] !== pid);
    expect(box.workerPids()).toHaveLength(1);
    expect(box.workerPids()[0]).not.toBe(pid);
    expect(await box.execute(job(busy(1)), fakeHost())).toMatchObject({ status: 'succeeded', output: 'done' });
  });
});
