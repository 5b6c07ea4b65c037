import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('sandbox workers outlive no server', () => {
  it('a worker whose guest spins exits when its server is SIGKILLed mid-run', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/dies-mid-run.ts', import.meta.url));
    const server = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', fixture], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(server, 'exit');
    const [line] = (await once(createInterface({ input: server.stdout }), 'line')) as [string];
    const pids = JSON.parse(line) as number[];
    expect(pids.length).toBeGreaterThan(0);
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const left = pids.filter(alive);
    for (const pid of left) process.kill(pid, 'SIGKILL');
    expect(left).toEqual([]);
  }, 60_000);
});
