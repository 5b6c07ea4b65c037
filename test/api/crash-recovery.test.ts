import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../../src/db/pglite.ts';
import type { RunningServer } from '../../src/server.ts';
import { bundleForm, skillMd, zipOf } from '../helpers/bundles.ts';
import { startTestServer } from '../helpers/server.ts';
import { parseSse } from '../runs/helpers.ts';

/** Starts `npm start`'s command in a child process and resolves with its URL once it listens. */
function spawnServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOAD_EXAMPLES: 'false', RUN_WORKERS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const url = /"url":"(http:\/\/[^"]+)"/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

describe('a restart right after a crash', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'os-crash-'));
  let restarted: RunningServer | undefined;
  afterAll(async () => {
    await restarted?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts on the same data folder and ends the runs the dead server left open', async () => {
    const { child, url } = await spawnServer(dataDir);
    // The first start prints its admin token just after it starts listening.
    while (!existsSync(join(dataDir, 'admin-token'))) await new Promise((r) => setTimeout(r, 20));
    const headers = { authorization: `Bearer ${readFileSync(join(dataDir, 'admin-token'), 'utf8')}` };
    const upload = await fetch(`${url}/skills`, {
      method: 'POST',
      headers,
      body: bundleForm(
        zipOf(
          {
            'SKILL.md': skillMd({ name: 'spinner', description: 'Spins', entrypoint: 'scripts/main.js' }),
            'scripts/main.js': 'export default () => { for (;;) {} };',
          },
          'spinner',
        ),
        { publish: 'true' },
      ),
    });
    expect(upload.status).toBe(201);
    const started = await fetch(`${url}/runs`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ skill: 'spinner', async: true, timeout_ms: 600_000 }),
    });
    const { id } = (await started.json()) as { id: string };
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;

    const again = await startTestServer(dataDir);
    restarted = again.server;
    const base = `http://127.0.0.1:${restarted.port}`;
    const run = (await (await fetch(`${base}/runs/${id}`, { headers })).json()) as {
      status: string;
      error: { type: string };
    };
    expect(run).toMatchObject({ status: 'failed', error: { type: 'infrastructure_error' } });
    // Its event stream ends instead of waiting for a run nobody executes.
    const events = parseSse(await (await fetch(`${base}/runs/${id}/events`, { headers })).text());
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { id, status: 'failed' } });
  });
});

describe('the embedded database lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'os-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const lockFile = join(dir, 'db.lock');
  const open = async () => acquireLock(lockFile)();

  it('is taken over from a zombie (dead, not reaped) or a reused pid, and refused to a live holder', async () => {
    // `sleep 0.05` exits while its parent (exec'd into `sleep 30`) never reaps it: a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0.05 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(
        await new Promise<string>((resolve) => parent.stdout!.once('data', (d) => resolve(String(d)))),
      );
      const stat = () => readFileSync(`/proc/${zombie}/stat`, 'utf8');
      while (!/\) Z /.test(stat())) await new Promise((r) => setTimeout(r, 10));
      writeFileSync(lockFile, String(zombie));
      await open();

      // A live process whose start time is not the one recorded: the pid was reused.
      writeFileSync(lockFile, `${parent.pid} 1`);
      await open();

      const startTime = readFileSync(`/proc/${parent.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19];
      writeFileSync(lockFile, `${parent.pid} ${startTime}`);
      await expect(open()).rejects.toThrow(/Another open-skills process/);
    } finally {
      parent.kill();
    }
  });
});
