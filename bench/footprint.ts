/**
 * Footprint and start-up: starts the server exactly as `npm start` does (its `start` script, in a new data folder),
 * and prints the time to `/healthz` and to `/readyz` 200 (examples loaded) on the first start and on a restart,
 * the RSS of every process of the server (API, sandbox workers, esbuild) idle after start, after a load of runs and
 * searches, and idle again, and how long a stop takes.
 * Run: npm run bench:footprint                      (embedded PGlite, the default)
 *      POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:footprint   (a scratch database)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { createTokenService } from '../src/auth/tokens.ts';
import { systemClock } from '../src/clock.ts';
import { measureConcurrent } from './stats.ts';

const PORT = Number(process.argv[2] ?? 18012);
const postgresUrl = process.env.POSTGRES_URL || undefined;
const JWT_SECRET = 'bench-footprint-secret-at-least-32-characters';
const base = `http://127.0.0.1:${PORT}`;
const root = new URL('..', import.meta.url).pathname;
const startScript = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } })
  .scripts.start;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** The server process and its descendants, with what each is and its RSS in MB (from /proc). */
function processTree(rootPid: number): { pid: number; role: string; rssMb: number }[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {}
  }
  const tree = [rootPid];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  }
  return tree.flatMap((pid) => {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
      const role = /esbuild/.test(cmd) ? 'esbuild' : /worker\/main\.[jt]s/.test(cmd) ? 'sandbox worker' : 'API';
      return [{ pid, role, rssMb: rss }];
    } catch {
      return [];
    }
  });
}

function printRss(label: string, pid: number): number {
  const tree = processTree(pid);
  const total = tree.reduce((s, p) => s + p.rssMb, 0);
  const parts = tree.map((p) => `${p.role} ${p.rssMb.toFixed(0)}`).join(', ');
  console.log(`${label.padEnd(26)} total ${total.toFixed(0).padStart(4)} MB  (${parts})  load ${load()}`);
  return total;
}

async function waitFor(path: string, started: number, child: ChildProcess): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before ${path} answered 200`);
    try {
      const res = await fetch(`${base}${path}`);
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - started;
    } catch {}
    await sleep(10);
  }
}

function start(env: Record<string, string>) {
  const started = performance.now();
  const child = spawn('sh', ['-c', `exec ${startScript}`], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(PORT), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  return { child, started, stderr: () => stderr };
}

async function stop(child: ChildProcess): Promise<number> {
  const t = performance.now();
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
  return performance.now() - t;
}

/** Sync runs of an example skill and searches, as a first user would make them. */
async function applyLoad(token: string) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const text = 'The cat sat on the mat. The dog ran to the cat! Did the cat run away? '.repeat(20);
  const runs = await measureConcurrent(200, 4, async () => {
    const res = await fetch(`${base}/runs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ skill: 'text-stats', input: { text } }),
    });
    return res.status === 201 && ((await res.json()) as { status: string }).status === 'succeeded';
  });
  const queries = ['count words in a text', 'turn a csv into a chart', 'convert markdown to html', 'excel to slides'];
  const searches = await measureConcurrent(40, 2, async (i) => {
    const res = await fetch(`${base}/skills/search`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: queries[i % queries.length] }),
    });
    await res.arrayBuffer();
    return res.status === 200;
  });
  return { runs, searches };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-footprint-'));
  const dbName = `os_bench_fp_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = postgresUrl ? postgres(postgresUrl, { max: 1, onnotice: () => {} }) : undefined;
  const env: Record<string, string> = { DATA_DIR: dataDir };
  if (postgresUrl && admin) {
    await admin.unsafe(`create database ${dbName}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${dbName}`;
    Object.assign(env, { POSTGRES_URL: url.toString(), JWT_SECRET });
  }
  console.log(
    `server: \`${startScript}\`, ${postgresUrl ? 'PostgreSQL (scratch database)' : 'embedded PGlite'}, load ${load()}`,
  );
  try {
    const first = start(env);
    const healthz = await waitFor('/healthz', first.started, first.child);
    const readyz = await waitFor('/readyz', first.started, first.child);
    console.log(
      `first start: /healthz ${healthz.toFixed(0)} ms, /readyz 200 (examples loaded) ${readyz.toFixed(0)} ms`,
    );
    await sleep(5000);
    printRss('idle after first start', first.child.pid!);
    const token = postgresUrl
      ? await createTokenService(JWT_SECRET, systemClock).issue({ userId: 'admin', orgId: 'default', role: 'admin' })
      : readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const { runs, searches } = await applyLoad(token);
    console.log(
      `load: 200 runs of text-stats (c=4) p50 ${runs.p50.toFixed(1)} ms, ${runs.runsPerSecond.toFixed(0)} runs/s, ` +
        `${runs.failures} failed; 40 searches p50 ${searches.p50.toFixed(1)} ms, ${searches.failures} failed`,
    );
    printRss('right after load', first.child.pid!);
    await sleep(5000);
    printRss('idle 5 s after load', first.child.pid!);
    console.log(`stop (SIGTERM to exit): ${(await stop(first.child)).toFixed(0)} ms`);

    const again = start(env);
    const healthz2 = await waitFor('/healthz', again.started, again.child);
    const readyz2 = await waitFor('/readyz', again.started, again.child);
    console.log(`restart: /healthz ${healthz2.toFixed(0)} ms, /readyz 200 ${readyz2.toFixed(0)} ms`);
    await sleep(5000);
    printRss('idle after restart', again.child.pid!);
    await stop(again.child);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    if (admin) {
      await admin.unsafe(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  }
}

await main();
