/**
 * Runs: a trivial skill run synchronously through the HTTP API (`POST /runs`, in-process `app.request`, run row
 * persisted) on embedded PGlite (a data folder, as `npm start` uses) or, with POSTGRES_URL, on a scratch database
 * of that PostgreSQL server; the same skill straight on the sandbox (worker processes, no HTTP, no database); and a
 * bare fresh isolate in this process, the floor the end-to-end p50 is compared with.
 * Run: npm run bench:runs -- [runs] [concurrency]            (embedded PGlite)
 *      POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:runs -- [runs] [concurrency]
 */

// `--async [--replicas N] [--runs N]`: async runs through the job queue across server processes (bench/runs-async.ts).
if (process.argv.includes('--async')) {
  await import('./runs-async.ts');
  process.exit(0);
}

import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { zipSync } from 'fflate';
import { createBenchApp } from './app.ts';
import { benchBareIsolate, TRIVIAL_SKILL } from './bare-isolate.ts';
import { benchRunsDirect, type RunsBenchResult } from './runs-direct.ts';
import { measureConcurrent } from './stats.ts';

const runs = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 8);
const workers = availableParallelism();
const postgresUrl = process.env.POSTGRES_URL || undefined;
const backend = postgresUrl ? 'PostgreSQL' : 'PGlite';

/** CPU time (user + system) of processes, in ms, from /proc: load on a shared machine moves it far less than latency. */
function cpuMsOf(pids: number[]): number {
  const tick = 10; // USER_HZ = 100 on Linux
  return pids.reduce((sum, pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {
      return sum;
    }
  }, 0);
}

type HttpResult = RunsBenchResult & { apiCpuMs: number; workerCpuMs: number };

async function benchHttp(levels: number[]): Promise<Map<number, HttpResult>> {
  const { app, db, sandbox, auth: authFor, close } = await createBenchApp({ size: workers }, postgresUrl);
  const auth = await authFor('bench', 'bench');
  try {
    const enc = new TextEncoder();
    const zip = zipSync({
      'bench/SKILL.md': enc.encode(
        '---\nname: bench\ndescription: Adds two numbers\nversion: 1.0.0\nentrypoint: scripts/main.js\n---\n# Bench\n',
      ),
      'bench/scripts/main.js': enc.encode(TRIVIAL_SKILL),
    });
    const form = new FormData();
    form.set('bundle', new File([zip], 'bench.zip'));
    form.set('publish', 'true');
    const uploaded = await app.request('/skills', { method: 'POST', body: form, headers: { authorization: auth } });
    if (uploaded.status !== 201) throw new Error(`upload failed: ${uploaded.status} ${await uploaded.text()}`);

    const once = async (i: number) => {
      const res = await app.request('/runs', {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ skill: 'bench', input: { a: i, b: 1 } }),
      });
      const body = (await res.json()) as { status: string; output: { sum: number } };
      return res.status === 201 && body.status === 'succeeded' && body.output.sum === i + 1;
    };
    for (let i = 0; i < 100; i++) await once(i); // warm-up: workers, JIT, caches
    const results = new Map<number, HttpResult>();
    for (const c of levels) {
      const api = process.cpuUsage();
      const workerCpu = cpuMsOf(sandbox.workerPids());
      const result = await measureConcurrent(runs, c, once);
      const used = process.cpuUsage(api);
      results.set(c, {
        ...result,
        apiCpuMs: (used.user + used.system) / 1000 / runs,
        workerCpuMs: (cpuMsOf(sandbox.workerPids()) - workerCpu) / runs,
      });
    }
    const [{ n }] = (await db.query<{ n: number }>(
      "select count(*)::int as n from skill_runs where status = 'succeeded'",
    )) as [{ n: number }];
    if (n < runs * levels.length) throw new Error(`only ${n} runs persisted`);
    return results;
  } finally {
    await close();
  }
}

const levels = [...new Set([1, concurrency])];
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const loadBefore = load();
const bareBefore = await benchBareIsolate(Math.min(runs, 500));
const http = await benchHttp(levels);
const bareAfter = await benchBareIsolate(Math.min(runs, 500));
const direct = new Map<number, RunsBenchResult>();
for (const c of levels) direct.set(c, await benchRunsDirect(runs, c, { size: workers }));
const bareP50 = (bareBefore.p50 + bareAfter.p50) / 2;

const ms = (v: number) => `${v.toFixed(2)} ms`.padStart(10);
const line = (label: string, r: RunsBenchResult) =>
  `${label.padEnd(30)} ${ms(r.p50)} ${ms(r.p95)} ${ms(r.p99)} ${r.runsPerSecond.toFixed(0).padStart(8)} ${String(r.failures).padStart(8)}`;
console.log(
  `runs=${runs} per row, ${workers} sandbox workers, trivial skill; HTTP = sync POST /runs on ${backend}, run row ` +
    `persisted; load average ${loadBefore} -> ${load()}`,
);
console.log(
  `${'path'.padEnd(30)} ${'p50'.padStart(10)} ${'p95'.padStart(10)} ${'p99'.padStart(10)} ${'runs/s'.padStart(8)} ${'failures'.padStart(8)}`,
);
for (const c of levels) {
  const h = http.get(c)!;
  console.log(
    `${line(`HTTP + ${backend} (c=${c})`, h)}   CPU per run: API ${h.apiCpuMs.toFixed(2)} ms, workers ${h.workerCpuMs.toFixed(2)} ms`,
  );
  console.log(line(`sandbox direct (c=${c})`, direct.get(c)!));
}
console.log(
  `${'bare fresh isolate (c=1)'.padEnd(30)} ${ms(bareP50)} ${ms(Math.max(bareBefore.p95, bareAfter.p95))} ${ms(Math.max(bareBefore.p99, bareAfter.p99))}   (p50 before ${bareBefore.p50.toFixed(2)}, after ${bareAfter.p50.toFixed(2)})`,
);
const h1 = http.get(1)!;
const hc = http.get(concurrency)!;
console.log('\nfigure                                         now        target');
console.log(`sync run over HTTP, persisted: p50            ${h1.p50.toFixed(2)} ms    < 5 ms`);
console.log(
  `throughput, ${concurrency} concurrent clients               ${hc.runsPerSecond.toFixed(0)} runs/s  > 300 runs/s`,
);
console.log(`end-to-end p50 / bare fresh-isolate p50       ${(h1.p50 / bareP50).toFixed(2)}x       <= 1.5x`);
