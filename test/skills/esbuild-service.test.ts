import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ESBUILD_IDLE_MS } from '../../src/skills/esbuild-service.ts';
import { transpileTypeScript } from '../../src/skills/transpile.ts';

/** esbuild service processes started by this process (from /proc). */
function esbuildChildren(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--service=');
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until(test: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !test(); i++) await sleep(25);
}

describe('esbuild service', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is stopped once uploads have not used it for a while, and starts again for the next one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const first = await transpileTypeScript('scripts/a.ts', 'export const a: number = 1;');
    expect(first.module?.code).toContain('const a = 1;');
    expect(esbuildChildren()).toHaveLength(1);

    vi.advanceTimersByTime(ESBUILD_IDLE_MS - 1);
    expect(esbuildChildren()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    vi.useRealTimers();
    await until(() => esbuildChildren().length === 0);
    expect(esbuildChildren()).toHaveLength(0);

    const again = await transpileTypeScript('scripts/b.ts', 'export const b: string = "x";');
    expect(again.module?.code).toContain('const b = "x";');
    expect(esbuildChildren()).toHaveLength(1);
  });
});
