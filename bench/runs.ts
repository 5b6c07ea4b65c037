/**
 * Runs latency: a trivial skill through the HTTP API (sync, persisted in PGlite, in-process `app.request`) versus
 * the same skill straight on the sandbox (no HTTP, no database), and the ratio between them.
 * Run: npm run bench:runs -- [runs] [concurrency]
 */

// `--async [--replicas N] [--runs N]`: async runs through the job queue across server processes (bench/runs-async.ts).
if (process.argv.includes('--async')) {
  await import('./runs-async.ts');
  process.exit(0);
}

import { availableParallelism } from 'node:os';
import { zipSync } from 'fflate';
import { createBenchApp } from './app.ts';
import { benchRunsDirect, type RunsBenchResult } from './runs-direct.ts';
import { measureConcurrent } from './stats.ts';

const runs = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 4);
const workers = availableParallelism();

async function benchHttp(concurrency: number): Promise<RunsBenchResult> {
  const { app, db, auth: authFor, close } = await createBenchApp({ size: workers });
  const auth = await authFor('bench', 'bench');
  try {
    const enc = new TextEncoder();
    const zip = zipSync({
      'bench/SKILL.md': enc.encode(
        '---\nname: bench\ndescription: Adds two numbers\nversion: 1.0.0\nentrypoint: scripts/main.js\n---\n# Bench\n',
      ),
      'bench/scripts/main.js': enc.encode('export default function run(input) { return { sum: input.a + input.b }; }'),
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
      const body = (await res.json()) as { status: string };
      return res.status === 201 && body.status === 'succeeded';
    };
    for (let i = 0; i < 50; i++) await once(i); // warm-up: workers, JIT, caches
    const result = await measureConcurrent(runs, concurrency, once);
    const [{ n }] = (await db.query<{ n: number }>(
      "select count(*)::int as n from skill_runs where status = 'succeeded'",
    )) as [{ n: number }];
    if (n < runs) throw new Error(`only ${n} runs persisted`);
    return result;
  } finally {
    await close();
  }
}

const rows: [string, RunsBenchResult, RunsBenchResult][] = [];
for (const c of [...new Set([1, concurrency])]) {
  const viaHttp = await benchHttp(c);
  const direct = await benchRunsDirect(runs, c, { size: workers });
  rows.push([`c=${c}`, viaHttp, direct]);
}

const ms = (v: number) => `${v.toFixed(2)} ms`.padStart(10);
const x = (v: number) => `${v.toFixed(2)}x`.padStart(10);
const line = (label: string, r: RunsBenchResult) =>
  `${label.padEnd(28)} ${ms(r.p50)} ${ms(r.p95)} ${ms(r.p99)} ${r.runsPerSecond.toFixed(0).padStart(8)} ${String(r.failures).padStart(8)}`;
console.log(
  `runs=${runs} per row, ${workers} sandbox workers, trivial skill; HTTP = sync POST /runs, run row persisted`,
);
console.log(
  `${'path'.padEnd(28)} ${'p50'.padStart(10)} ${'p95'.padStart(10)} ${'p99'.padStart(10)} ${'runs/s'.padStart(8)} ${'failures'.padStart(8)}`,
);
for (const [label, http, direct] of rows) {
  console.log(line(`HTTP + PGlite (${label})`, http));
  console.log(line(`sandbox direct (${label})`, direct));
  console.log(
    `${`ratio HTTP/direct (${label})`.padEnd(28)} ${x(http.p50 / direct.p50)} ${x(http.p95 / direct.p95)} ${x(http.p99 / direct.p99)} ${`${(http.runsPerSecond / direct.runsPerSecond).toFixed(2)}x`.padStart(8)}`,
  );
}
