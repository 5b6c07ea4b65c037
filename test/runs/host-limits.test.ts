import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { createRunHost, MAX_CONCURRENT_FETCHES, MAX_FETCH_BYTES_PER_RUN } from '../../src/runs/host.ts';
import type { FetchResponse } from '../../src/runtime/types.ts';
import type { RuntimeVersion } from '../../src/skills/runnable.ts';
import { createLocalBlobStore } from '../../src/storage/local-blob-store.ts';

// What one run may take through ctx.fetch, and what happens to host calls still in flight when it ends.
describe('the run host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'os-host-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function host(fetch: () => Promise<FetchResponse>) {
    return createRunHost({
      runId: '019a8a47-9000-7000-9000-000000000001',
      orgId: 'acme',
      version: { name: 'f', version: '1.0.0', allowNetwork: true, networkAllowlist: [] } as unknown as RuntimeVersion,
      files: new Map(),
      deadline: Date.now() + 10_000,
      readResource: async () => undefined,
      blobs: createLocalBlobStore(dir),
      clock: systemClock,
      pending: [],
      onLog: () => {},
      onArtifact: () => {},
      callSkill: async () => null,
      fetch,
    });
  }
  const response = (bytes: number): FetchResponse => ({
    url: 'https://x.example/',
    status: 200,
    statusText: 'OK',
    headers: {},
    body: new Uint8Array(bytes),
  });

  it(`runs at most ${MAX_CONCURRENT_FETCHES} ctx.fetch calls at once; the others wait`, async () => {
    let now = 0;
    let most = 0;
    const h = host(async () => {
      most = Math.max(most, ++now);
      await new Promise((r) => setTimeout(r, 20));
      now--;
      return response(10);
    });
    const all = await Promise.all(Array.from({ length: 12 }, () => h.fetch({ url: 'https://x.example/' })));
    expect(all).toHaveLength(12);
    expect(most).toBe(MAX_CONCURRENT_FETCHES);
  });

  it(`refuses responses past ${MAX_FETCH_BYTES_PER_RUN} bytes per run with limit_exceeded`, async () => {
    const h = host(async () => response(5 * 1024 * 1024));
    for (let i = 0; i < 4; i++) await h.fetch({ url: 'https://x.example/' });
    await expect(h.fetch({ url: 'https://x.example/' })).rejects.toMatchObject({ type: 'limit_exceeded' });
  });

  it('refuses host calls after the run ended, and deletes the blob of a write that finishes after that', async () => {
    const h = host(async () => response(1));
    const write = h.writeArtifact('late.bin', new Uint8Array(1000), 'application/octet-stream');
    await h.close();
    await expect(write).rejects.toMatchObject({ type: 'cancelled' });
    const folder = join(dir, 'artifacts', '019a8a47-9000-7000-9000-000000000001');
    expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
    await expect(h.fetch({ url: 'https://x.example/' })).rejects.toMatchObject({ type: 'cancelled' });
  });
});
