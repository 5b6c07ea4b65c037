/**
 * Async runs through the shared job queue: N real server processes (`npm start`'s command) on one PostgreSQL
 * database, `--runs` async runs of a trivial skill submitted round-robin to them, then throughput (runs ended per
 * second, from the first request to the last end) and queue wait (request to start on a replica) from the rows.
 * Run: npm run bench:runs-async -- [--runs 1000] [--replicas 2] [--postgres URL] [--workers 1]
 * (`npm run bench:runs -- --async ...` dispatches here.) PostgreSQL comes from --postgres or TEST_DATABASE_URL;
 * with one replica and neither, the replica uses embedded PGlite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createTokenService } from '../src/auth/tokens.ts';
import { systemClock } from '../src/clock.ts';
import { createPgliteDatabase } from '../src/db/pglite.ts';
import { createScratchDatabase } from '../src/db/scratch.ts';
import { publishNapper, type Replica, startReplica } from '../test/jobs/replicas.ts';
import { percentile } from './stats.ts';

const SECRET = 'bench-secret-that-is-at-least-32-characters';
const { values: args } = parseArgs({
  options: {
    async: { type: 'boolean', default: true },
    runs: { type: 'string', default: '1000' },
    replicas: { type: 'string', default: '2' },
    workers: { type: 'string', default: '1' },
    postgres: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
  },
});
const runs = Number(args.runs);
const replicaCount = Number(args.replicas);
const postgresUrl = args.postgres ?? process.env['TEST_DATABASE_URL'];
if (replicaCount > 1 && !postgresUrl) {
  process.stderr.write('replicas share a PostgreSQL database: pass --postgres URL or set TEST_DATABASE_URL\n');
  process.exit(2);
}

const dataDir = mkdtempSync(join(tmpdir(), 'os-bench-async-'));
const scratch = postgresUrl ? await createScratchDatabase(postgresUrl, 'os_bench_async') : undefined;
const url = scratch?.db.queueConnection?.kind === 'postgres' ? scratch.db.queueConnection.url : undefined;
const replicas: Replica[] = [];
try {
  const env = {
    DATA_DIR: dataDir,
    JWT_SECRET: SECRET,
    LOG_LEVEL: 'info',
    RUN_WORKERS: args.workers,
    ...(url ? { POSTGRES_URL: url } : {}),
  };
  for (let i = 0; i < replicaCount; i++) replicas.push(await startReplica(env));
  const token = await createTokenService(SECRET, systemClock).issue({ userId: 'bench', orgId: 'bench', role: 'admin' });
  await publishNapper(replicas[0]!.url, token);

  let next = 0;
  const ids: string[] = [];
  const submitStarted = performance.now();
  await Promise.all(
    Array.from({ length: Number(args.concurrency) }, async () => {
      while (next < runs) {
        const i = next++;
        const res = await fetch(`${replicas[i % replicaCount]!.url}/runs`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ skill: 'napper', input: { n: i }, async: true }),
        });
        if (res.status !== 202) throw new Error(`run ${i}: ${res.status} ${await res.text()}`);
        ids.push(((await res.json()) as { id: string }).id);
      }
    }),
  );
  const submitSeconds = (performance.now() - submitStarted) / 1000;

  // Read the outcome where the runs are: the shared database, or (one embedded replica) after it stops.
  const db = scratch?.db;
  const open = async () =>
    db
      ? (
          (await db.query<{ n: number }>(
            `select count(*)::int as n from skill_runs where id = any($1::uuid[]) and status in ('queued', 'running')`,
            [ids],
          )) as [{ n: number }]
        )[0].n
      : 0;
  while (db && (await open()) > 0) await new Promise((r) => setTimeout(r, 200));
  if (!db) {
    // Embedded: wait on the API, then stop the replica to read its database.
    const headers = { authorization: `Bearer ${token}` };
    for (const id of ids) {
      for (;;) {
        const run = (await (await fetch(`${replicas[0]!.url}/runs/${id}`, { headers })).json()) as { status: string };
        if (!['queued', 'running'].includes(run.status)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    replicas[0]!.child.kill('SIGTERM');
    await replicas[0]!.exited;
  }
  const reader = db ?? (await createPgliteDatabase({ dataDir: join(dataDir, 'db') }));
  const rows = await reader.query<{ status: string; wait_ms: number; run_ms: number; created: Date; finished: Date }>(
    `select status, extract(epoch from started_at - created_at) * 1000 as wait_ms, duration_ms as run_ms,
       created_at as created, finished_at as finished
     from skill_runs where id = any($1::uuid[])`,
    [ids],
  );
  if (!db) await reader.close();
  const succeeded = rows.filter((r) => r.status === 'succeeded').length;
  const first = Math.min(...rows.map((r) => new Date(r.created).getTime()));
  const last = Math.max(...rows.map((r) => new Date(r.finished).getTime()));
  const waits = rows.map((r) => Number(r.wait_ms)).sort((a, b) => a - b);
  const durations = rows.map((r) => Number(r.run_ms)).sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1);
  console.log(
    `async runs: ${runs} over ${replicaCount} replica(s) (${args.workers} sandbox worker(s) each, ` +
      `${url ? 'PostgreSQL' : 'embedded PGlite'})`,
  );
  console.log(`  succeeded            ${succeeded}/${runs}`);
  console.log(`  submitted in         ${f(submitSeconds)} s (${f(runs / submitSeconds)} requests/s, 202 each)`);
  console.log(`  throughput           ${f(runs / ((last - first) / 1000))} runs/s (first request to last end)`);
  console.log(
    `  queue wait           p50 ${f(percentile(waits, 0.5))} ms, p95 ${f(percentile(waits, 0.95))} ms, ` +
      `p99 ${f(percentile(waits, 0.99))} ms, max ${f(waits.at(-1) ?? 0)} ms`,
  );
  console.log(
    `  run duration         p50 ${f(percentile(durations, 0.5))} ms, p95 ${f(percentile(durations, 0.95))} ms`,
  );
} finally {
  for (const replica of replicas) {
    if (replica.child.exitCode === null && replica.child.signalCode === null) replica.child.kill('SIGTERM');
    await replica.exited;
  }
  await scratch?.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
