/**
 * Two (and three) server processes sharing one PostgreSQL database through the run queue: streams and cancels
 * across replicas, a replica killed mid-run, many async runs executed exactly once, and SIGTERM to a process group
 * during a synchronous run. PostgreSQL only (TEST_DATABASE_URL): replicas cannot share an embedded database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../../src/auth/tokens.ts';
import { systemClock } from '../../src/clock.ts';
import type { Database } from '../../src/db/database.ts';
import { createScratchDatabase } from '../../src/db/scratch.ts';
import { TEST_SECRET } from '../helpers/app.ts';
import { testEnv } from '../helpers/env.ts';
import { type Json, parseSse } from '../runs/helpers.ts';
import { publishNapper, type Replica, startReplica } from './replicas.ts';

const EXPIRY_MARGIN_S = 2;

describe.skipIf(!testEnv.TEST_DATABASE_URL)('replicas sharing PostgreSQL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'os-replicas-'));
  let db: Database;
  let drop: () => Promise<void>;
  let env: Record<string, string>;
  let token: string;
  const replicas: Replica[] = [];
  let a: Replica;
  let b: Replica;

  const start = async (options?: { detached?: boolean }) => {
    const replica = await startReplica(env, options);
    replicas.push(replica);
    return replica;
  };
  const headers = () => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  const post = async (replica: Replica, path: string, body?: unknown) => {
    const res = await fetch(`${replica.url}${path}`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const row = async (id: string) =>
    (await db.query<{ status: string }>('select status from skill_runs where id = $1', [id]))[0]!;
  const until = async (check: () => Promise<boolean>, ms: number) => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`not within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    ({ db, drop } = await createScratchDatabase(testEnv.TEST_DATABASE_URL!, 'os_replicas'));
    const connection = db.queueConnection;
    if (connection?.kind !== 'postgres') throw new Error('expected a PostgreSQL database');
    env = {
      POSTGRES_URL: connection.url,
      JWT_SECRET: TEST_SECRET,
      DATA_DIR: dataDir,
      QUEUE_EXPIRY_MARGIN_SECONDS: String(EXPIRY_MARGIN_S),
      QUEUE_MONITOR_SECONDS: '1',
    };
    token = await createTokenService(TEST_SECRET, systemClock).issue({ userId: 'alice', orgId: 'acme', role: 'admin' });
  });

  afterAll(async () => {
    for (const replica of replicas) {
      if (replica.child.exitCode === null && replica.child.signalCode === null) replica.child.kill('SIGKILL');
      await replica.exited;
    }
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('retries the run of a replica killed mid-run on another, within the queue expiry', async () => {
    a = await start();
    await publishNapper(a.url, token);
    const timeoutS = 4;
    const started = await post(a, '/runs', {
      skill: 'napper',
      input: { ms: 2500, n: 1 },
      async: true,
      timeout_ms: timeoutS * 1000,
    });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    // A is the only replica: it takes the job (its row running and its first status event written: the row is
    // claimed a moment before the event, and a kill between the two would leave the retry's event alone).
    const statusEvents = async () =>
      (await db.query(`select 1 from run_events where run_id = $1 and event = 'status'`, [id])).length;
    await until(async () => (await row(id)).status === 'running' && (await statusEvents()) === 1, 10_000);
    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;
    b = await start();
    await until(async () => !['queued', 'running'].includes((await row(id)).status), 30_000);
    const final = (await (await fetch(`${b.url}/runs/${id}`, { headers: headers() })).json()) as Json;
    expect(final).toMatchObject({ status: 'succeeded', output: { n: 1 } });
    // Expiry is the run's timeout plus the margin; then the retry runs the skill again (2.5 s), with slack for
    // the monitor's pass, the second replica's start-up and a loaded machine.
    expect(Date.now() - killedAt).toBeLessThan((timeoutS + EXPIRY_MARGIN_S + 2.5 + 12) * 1000);
    expect(await statusEvents()).toBe(2);
  });

  it('streams from B a run submitted to A, from its first event to done', async () => {
    a = await start();
    const started = await post(a, '/runs', { skill: 'napper', input: { ms: 800, n: 2 }, async: true });
    expect(started.status).toBe(202);
    const res = await fetch(`${b.url}/runs/${started.body.id}/events`, { headers: headers() });
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(events[0]).toMatchObject({ event: 'status', data: { status: 'running' } });
    expect(events.at(-1)).toMatchObject({
      event: 'done',
      data: { id: started.body.id, status: 'succeeded', output: { n: 2 } },
    });
  });

  it('cancels from B a run that A or B is executing', async () => {
    const started = await post(a, '/runs', { skill: 'napper', input: { ms: 20_000 }, async: true, timeout_ms: 30_000 });
    const id = started.body.id as string;
    await until(async () => (await row(id)).status === 'running', 10_000);
    const stream = fetch(`${a.url}/runs/${id}/events`, { headers: headers() }).then((r) => r.text());
    const cancelled = await post(b, `/runs/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id, status: 'cancelled' });
    expect(parseSse(await stream).at(-1)).toMatchObject({ event: 'done', data: { status: 'cancelled' } });
  });

  it('completes 200 async runs submitted to both replicas, each exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 200; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, (_, j) =>
          post(j % 2 ? b : a, '/runs', { skill: 'napper', input: { n: i + j }, async: true }),
        ),
      );
      for (const r of batch) {
        expect(r.status).toBe(202);
        ids.push(r.body.id);
      }
    }
    await until(async () => {
      const [open] = await db.query<{ n: number }>(
        `select count(*)::int as n from skill_runs where id = any($1::uuid[]) and status in ('queued', 'running')`,
        [ids],
      );
      return open!.n === 0;
    }, 90_000);
    const rows = await db.query<{ id: string; status: string; output_json: Json; starts: number; dones: number }>(
      `select r.id, r.status, r.output_json,
         (select count(*)::int from run_events e where e.run_id = r.id and e.event = 'status') as starts,
         (select count(*)::int from run_events e where e.run_id = r.id and e.event = 'done') as dones
       from skill_runs r where r.id = any($1::uuid[])`,
      [ids],
    );
    expect(rows).toHaveLength(200);
    for (const r of rows) expect(r).toMatchObject({ status: 'succeeded', starts: 1, dones: 1 });
    expect(new Set(rows.map((r) => r.output_json.n)).size).toBe(200);
  });

  it('delivers the response of a sync run when its process group gets SIGTERM, and reads not ready meanwhile', async () => {
    const c = await start({ detached: true });
    const response = fetch(`${c.url}/runs`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ skill: 'napper', input: { ms: 2500, n: 3 } }),
    });
    await new Promise((r) => setTimeout(r, 700));
    // The whole group, as Ctrl-C or some supervisors do: the sandbox worker must not die of it.
    process.kill(-c.child.pid!, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const ready = await fetch(`${c.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not_ready', draining: true });
    const res = await response;
    expect(res.status).toBe(201);
    const body = (await res.json()) as Json;
    expect(body, c.output()).toMatchObject({ status: 'succeeded', output: { n: 3 } });
    expect(await c.exited).toBe(0);
  });
});
