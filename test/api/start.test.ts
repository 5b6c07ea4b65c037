/**
 * The first minutes of a new user, as processes: npm refuses an old Node.js up front; `npm start` records its URL so
 * the CLI in that folder finds it; stopping npm stops the server and releases the data lock: SIGTERM to npm (which
 * signals only its shell, whose exit the server notices) and Ctrl-C (SIGINT to the whole process group).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** A Node.js older than 22 on this machine (Debian ships 20), if any. */
function oldNode(): string | undefined {
  const found = spawnSync('which', ['-a', 'node'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  return found.find((node) => {
    const version = spawnSync(node, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout;
    return Number(version) > 0 && Number(version) < 22;
  });
}

const freePort = () =>
  new Promise<number>((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });

async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const answers = (url: string) =>
  fetch(`${url}/healthz`).then(
    (r) => r.ok,
    () => false,
  );

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const node20 = oldNode();

describe.skipIf(!node20)('npm install on an old Node.js', () => {
  it('refuses up front with the required version (engine-strict in .npmrc)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'os-engines-'));
    for (const file of ['package.json', 'package-lock.json', '.npmrc']) copyFileSync(join(ROOT, file), join(dir, file));
    const result = spawnSync('npm', ['install', '--dry-run', '--no-audit', '--no-fund'], {
      cwd: dir,
      env: { ...process.env, PATH: `${dirname(node20!)}:${process.env['PATH']}` },
      encoding: 'utf8',
      timeout: 120_000,
    });
    rmSync(dir, { recursive: true, force: true });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('EBADENGINE');
    expect(result.stderr).toMatch(/Required: \{"node":">=22"\}/);
    expect(result.stderr).toMatch(/Actual: +\{"node":"v(1\d|2[01])\./);
  });
});

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'os-start-'));
  const { OPEN_SKILLS_URL: _url, OPEN_SKILLS_TOKEN: _token, ...inherited } = process.env;
  const env = { ...inherited, LOAD_EXAMPLES: 'false', RUN_WORKERS: '1', LOG_LEVEL: 'warn', DATA_DIR: dataDir };
  let npm: ChildProcess | undefined;
  let serverPid: number | undefined;
  afterAll(() => {
    // Only after a failure is anything left: end npm's group and the server it started.
    for (const pid of [npm?.pid && -npm.pid, serverPid]) {
      if (pid && isAlive(Math.abs(pid))) process.kill(pid, 'SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Starts `npm start` on a free port and waits until the server answers; returns its URL and pid. */
  async function start() {
    const port = await freePort();
    // Detached: npm leads its own process group, as a shell's foreground job does (Ctrl-C signals the group).
    npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: 'pipe',
      detached: true,
    });
    let stderr = '';
    npm.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const url = `http://127.0.0.1:${port}`;
    await until('the server', () => answers(url));
    // The lock holds the server's pid (then its start time, where /proc tells it).
    const pid = Number(readFileSync(join(dataDir, 'db.lock'), 'utf8').trim().split(' ')[0]);
    serverPid = pid;
    return { url, pid, npm, stderr: () => stderr };
  }

  it.each([
    ['SIGTERM to npm', 'npm'],
    ['Ctrl-C (SIGINT to the process group)', 'group'],
  ] as const)(
    'records its URL for the CLI, and %s stops the server and frees the data folder',
    async (_, target) => {
      const server = await start();
      expect(server.pid).not.toBe(server.npm.pid);
      expect(readFileSync(join(dataDir, 'server-url'), 'utf8').trim()).toBe(server.url);

      // The CLI, with no URL given, finds this server (not :8000) through DATA_DIR, and its admin token too.
      const cli = spawnSync(process.execPath, [join(ROOT, 'bin/open-skills.js'), 'search', 'anything'], {
        cwd: tmpdir(),
        env: { ...env, XDG_CONFIG_HOME: dataDir },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(cli.stderr).toBe('');
      expect(cli.stdout).toBe('No skills match "anything".\n');

      if (target === 'npm') server.npm.kill('SIGTERM');
      else process.kill(-server.npm.pid!, 'SIGINT');
      await until('the server process to exit', () => !isAlive(server.pid), 40_000);
      expect(await answers(server.url)).toBe(false);
      expect(existsSync(join(dataDir, 'db.lock'))).toBe(false);
      expect(server.stderr()).toMatch(/shutting down/);
    },
    150_000,
  );

  it('with the server gone, the CLI says which URL it tried and where that came from', () => {
    const url = readFileSync(join(dataDir, 'server-url'), 'utf8').trim();
    const cli = spawnSync(process.execPath, [join(ROOT, 'bin/open-skills.js'), 'search', 'anything'], {
      cwd: tmpdir(),
      env: { ...env, XDG_CONFIG_HOME: dataDir },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(cli.status).toBe(3);
    expect(cli.stderr).toContain(
      `Cannot reach the server at ${url} (ECONNREFUSED; the URL came from ${join(dataDir, 'server-url')})`,
    );
  });
});
