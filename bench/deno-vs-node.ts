/**
 * Start time and idle memory of the server on Node (`npm start`'s command) and on Deno (`deno task start`'s),
 * measured the same way: a fresh embedded database each start, no example skills, one sandbox worker; start time is
 * spawn to the first 200 from /readyz, idle memory the server process's RSS (workers apart, they are Node either
 * way) after it has served /readyz and one authenticated POST /runs (an unknown skill, so no bundle work in the
 * figure), then idled for 3 s.
 * Run: npm run bench:deno -- [starts per runtime, default 3]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { denoBinary } from '../scripts/deno.ts';

const ROOT = resolve(import.meta.dirname, '..');
const starts = Number(process.argv[2] ?? 3);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

const runtimes: Record<string, { command: string; args: string[] }> = {
  node: { command: process.execPath, args: ['--no-node-snapshot', '--import', 'tsx', 'src/main.ts'] },
  deno: {
    command: denoBinary(),
    args: ['run', '--allow-all', '--no-prompt', '--unstable-no-legacy-abort', 'src/main.deno.ts'],
  },
};

const freePort = () =>
  new Promise<number>((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });

/** Resident memory of a process from /proc, in bytes. */
const rss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;

async function untilReady(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error('the server exited');
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function once(name: string): Promise<{ startMs: number; idleRss: number }> {
  const { command, args } = runtimes[name]!;
  const dataDir = mkdtempSync(join(tmpdir(), `os-bench-${name}-`));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  const t0 = performance.now();
  const child = spawn(command, args, {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...env, LOAD_EXAMPLES: 'false', RUN_WORKERS: '1' },
  });
  try {
    await untilReady(url, child);
    const startMs = performance.now() - t0;
    // The admin token is written just after the server listens.
    while (!existsSync(join(dataDir, 'admin-token'))) await new Promise((r) => setTimeout(r, 20));
    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    await fetch(`${url}/runs`, { method: 'POST', headers, body: JSON.stringify({ skill: 'none', input: {} }) });
    await new Promise((r) => setTimeout(r, 3000));
    return { startMs, idleRss: rss(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

console.log(`server start (spawn -> /readyz 200) and idle RSS of the server process; ${starts} starts each`);
const names = Object.keys(runtimes);
// One warm-up start each (Deno's transpile cache, the OS file cache), then the runtimes take turns, so a change in
// the machine's load falls on both alike.
for (const name of names) await once(name);
const results = new Map<string, { startMs: number; idleRss: number }[]>(names.map((name) => [name, []]));
for (let i = 0; i < starts; i++) for (const name of names) results.get(name)!.push(await once(name));
for (const [name, runs] of results) {
  const startMs = runs.map((r) => r.startMs);
  const memory = runs.map((r) => r.idleRss);
  console.log(
    `${name.padEnd(5)} start median ${median(startMs).toFixed(0)} ms (min ${Math.min(...startMs).toFixed(0)}, max ${Math.max(...startMs).toFixed(0)})` +
      `  idle RSS median ${mb(median(memory))} (min ${mb(Math.min(...memory))}, max ${mb(Math.max(...memory))})`,
  );
}
