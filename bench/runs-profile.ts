/**
 * Where a sync run's time goes in the API process: a V8 CPU profile of `runs` sequential `POST /runs` of the
 * trivial skill (after a warm-up), summed by package or source folder (self time per run). The profiler samples
 * wall time on the main thread, so on a loaded machine time spent descheduled inside a syscall shows up under
 * native functions (`writeBuffer`: the IPC write to a worker); `process.cpuUsage` gives the true CPU per run.
 * Run: npm run bench:runs-profile -- [runs]   (POSTGRES_URL=... for PostgreSQL)
 */

import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { zipSync } from 'fflate';
import { createBenchApp } from './app.ts';
import { TRIVIAL_SKILL } from './bare-isolate.ts';

const runs = Number(process.argv[2] ?? 500);
const { app, auth: authFor, close } = await createBenchApp({ size: 2 }, process.env.POSTGRES_URL || undefined);
const auth = await authFor('bench', 'bench');
const enc = new TextEncoder();
const form = new FormData();
form.set(
  'bundle',
  new File(
    [
      zipSync({
        'bench/SKILL.md': enc.encode(
          '---\nname: bench\ndescription: Adds two numbers\nversion: 1.0.0\nentrypoint: scripts/main.js\n---\n# Bench\n',
        ),
        'bench/scripts/main.js': enc.encode(TRIVIAL_SKILL),
      }),
    ],
    'bench.zip',
  ),
);
form.set('publish', 'true');
await app.request('/skills', { method: 'POST', body: form, headers: { authorization: auth } });
const once = async (i: number) => {
  const res = await app.request('/runs', {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ skill: 'bench', input: { a: i, b: 1 } }),
  });
  if (((await res.json()) as { status: string }).status !== 'succeeded') throw new Error('run failed');
};
for (let i = 0; i < 100; i++) await once(i);

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const cpu = process.cpuUsage();
const started = performance.now();
for (let i = 0; i < runs; i++) await once(i);
const wall = (performance.now() - started) / runs;
const used = process.cpuUsage(cpu);
const { profile } = await session.post('Profiler.stop');
session.disconnect();
await close();

/** Package (node_modules/x), source folder (src/x) or V8 category of a profile node. */
function owner(frame: Profiler.ProfileNode['callFrame']): string {
  const url = frame.url.replace(/^file:\/\/.*?\/(src|bench|node_modules)\//, '$1/');
  if (url.startsWith('node_modules/')) {
    const parts = url.slice('node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (url.startsWith('src/')) return url.split('/').slice(0, 2).join('/');
  if (url.startsWith('wasm://')) return 'wasm (PGlite)';
  if (url.startsWith('node:')) return 'node internals';
  return `native ${frame.functionName || '(anonymous)'}`;
}

const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<string, number>();
let total = 0;
for (const [i, id] of (profile.samples ?? []).entries()) {
  const node = byNode.get(id);
  const dt = profile.timeDeltas?.[i] ?? 0;
  if (!node) continue;
  total += dt;
  const key = owner(node.callFrame);
  self.set(key, (self.get(key) ?? 0) + dt);
}
console.log(
  `${runs} sync runs on ${process.env.POSTGRES_URL ? 'PostgreSQL' : 'PGlite'}: wall ${wall.toFixed(2)} ms per run, ` +
    `API CPU ${((used.user + used.system) / 1000 / runs).toFixed(2)} ms per run (profiler on); load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
);
console.log('self time per run, by owner (sampled wall time of the main thread):');
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  console.log(
    `${(us / 1000 / runs).toFixed(3).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`,
  );
}
