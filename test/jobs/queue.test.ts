/**
 * The run queue inside one process (the embedded database's case, and PostgreSQL's with one replica): async runs
 * queued with their job and executed by the queue's workers, their events persisted and streamed, a run cancelled
 * while it waits never executed, RUN_MODE=queue for synchronous requests, and /readyz while draining.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueuedRuns } from '../../src/jobs/queued-runs.ts';
import type { QueuedRuns } from '../../src/runs/queued.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { backends } from '../helpers/db.ts';
import { type Json, parseSse, publishCode, run, waitForRun } from '../runs/helpers.ts';

describe.each(backends)('queued runs in one process (%s)', (backend) => {
  let t: TestApp;
  let jobs: Awaited<ReturnType<typeof startQueuedRuns>>;
  // Filled once the database exists; the run service reads it on its first use.
  const queued = {} as QueuedRuns;
  let all = false;

  beforeAll(async () => {
    t = await createTestApp(backend, { deps: { queued } });
    jobs = await startQueuedRuns({
      db: t.db,
      logger: t.logs.logger,
      all: false,
      expiryMarginSeconds: 5,
      monitorSeconds: 1,
    });
    Object.defineProperties(queued, {
      queue: { value: jobs.queued.queue },
      eventLog: { value: jobs.queued.eventLog },
      all: { get: () => all },
    });
    await publishCode(
      t,
      'doubler',
      'export default (i: { n: number }) => { console.log("doubling", i.n); return { n: i.n * 2 }; };',
    );
  });
  afterAll(async () => {
    await t.app.services.runs.drain();
    await jobs.close();
    await t.close();
  });

  it('cancels a run while it waits in the queue: it never executes', async () => {
    // No worker takes jobs yet.
    const { status, body } = await run(t, { skill: 'doubler', input: { n: 1 }, async: true });
    expect(status).toBe(202);
    expect(body.status).toBe('queued');
    const cancelled = await t.request(`/runs/${body.id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled', output: null });
    await jobs.attach(t.app.services.runs, { concurrency: 2 });
    await new Promise((r) => setTimeout(r, 1500));
    const [row] = await t.db.query<{ status: string; started_at: Date | null }>(
      'select status, started_at from skill_runs where id = $1',
      [body.id],
    );
    expect(row).toMatchObject({ status: 'cancelled', started_at: null });
    const events = await t.db.query('select * from run_events where run_id = $1', [body.id]);
    expect(events).toHaveLength(0);
  });

  it('executes an async run from the queue, persists its events and streams them to done', async () => {
    const { status, body } = await run(t, { skill: 'doubler', input: { n: 4 }, async: true });
    expect(status).toBe(202);
    const events = parseSse(await (await t.request(`/runs/${body.id}/events`)).text());
    expect(events.map((e) => e.event)).toEqual(['status', 'log', 'done']);
    expect(events.at(-1)!.data).toMatchObject({ id: body.id, status: 'succeeded', output: { n: 8 } });
    const done = await waitForRun(t, body.id);
    expect(done.started_at).not.toBeNull();
    await t.app.services.runs.drain();
    const rows = await t.db.query<{ seq: number; event: string; data: Json }>(
      'select seq, event, data from run_events where run_id = $1 order by seq',
      [body.id],
    );
    expect(rows.map((r) => [r.seq, r.event])).toEqual([
      [0, 'status'],
      [1, 'log'],
      [2, 'done'],
    ]);
    expect(rows[1]!.data).toMatchObject({ message: 'doubling 4' });
    // The state changes are logged with the run, user and org.
    const lines = t.logs.lines.filter((l) => l['run_id'] === body.id).map((l) => l['msg']);
    expect(lines).toEqual(expect.arrayContaining(['run queued', 'run started', 'run ended']));
  });

  it('queues synchronous runs too with RUN_MODE=queue, answering with the finished run', async () => {
    all = true;
    try {
      const { status, body } = await run(t, { skill: 'doubler', input: { n: 21 } });
      expect(status).toBe(201);
      expect(body).toMatchObject({ status: 'succeeded', output: { n: 42 } });
      const [job] = await t.db.query<{ state: string }>('select state from pgboss.job where id = $1', [body.id]);
      expect(job?.state).toBe('completed');
    } finally {
      all = false;
    }
  });
});

describe('readiness while draining', () => {
  let t: TestApp;
  let draining = false;
  beforeAll(async () => {
    t = await createTestApp('pglite', { deps: { draining: () => draining } });
  });
  afterAll(() => t.close());

  it('answers 503 with draining from the moment the server drains', async () => {
    expect((await t.app.request('/readyz')).status).toBe(200);
    draining = true;
    const res = await t.app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'not_ready', draining: true });
  });
});
