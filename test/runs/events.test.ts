import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/auth/caller.ts';
import type { RunEvent } from '../../src/runs/events.ts';
import { createRunService, type RunService } from '../../src/runs/service.ts';
import type { Sandbox, SandboxResult } from '../../src/runtime/types.ts';
import { createSecrets } from '../../src/secrets/service.ts';
import { buildBundle } from '../../src/skills/bundle.ts';
import { createRegistry } from '../../src/skills/registry.ts';
import { createLocalBlobStore } from '../../src/storage/local-blob-store.ts';
import { captureLogs, testClock } from '../helpers/app.ts';
import { skillMd } from '../helpers/bundles.ts';
import { backends, createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const caller: Caller = { userId: 'alice', orgId: 'acme', role: 'admin', tokenId: 't1' };
const encode = (text: string) => new TextEncoder().encode(text);

/**
 * A sandbox that writes one artifact and then waits until the test lets it finish, so a subscriber is certain to
 * see the run live (not replayed from its row).
 */
function gatedSandbox() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let artifactWritten!: () => void;
  const written = new Promise<void>((resolve) => {
    artifactWritten = resolve;
  });
  const sandbox: Sandbox = {
    async execute(_job, host): Promise<SandboxResult> {
      await host.writeArtifact('report.txt', encode('hello'), 'text/plain');
      host.log({ level: 'info', message: 'wrote it', time: new Date().toISOString() });
      artifactWritten();
      await gate;
      return {
        status: 'succeeded',
        output: { ok: true },
        logs: [],
        usage: { wall_ms: 1, cpu_ms: 1, memory_peak_bytes: 1 },
      };
    },
    close: async () => {},
  };
  return { sandbox, release, written };
}

async function collect(stream: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe.each(backends)('run events on %s', (backend) => {
  let database: TestDatabase;
  let runs: RunService;
  let gated: ReturnType<typeof gatedSandbox>;
  const artifactsDir = mkdtempSync(join(tmpdir(), 'os-events-'));

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    const { db } = database;
    const clock = testClock();
    const registry = createRegistry({ db, clock });
    const files = [
      {
        path: 'SKILL.md',
        data: encode(skillMd({ name: 'writer', description: 'Writes a report', entrypoint: 'scripts/main.js' })),
      },
      { path: 'scripts/main.js', data: encode('export default () => ({ ok: true });') },
    ];
    await registry.createSkillFromBundle(caller, await buildBundle(files), { publish: true, visibility: 'org' });
    gated = gatedSandbox();
    runs = createRunService({
      db,
      clock,
      logger: captureLogs().logger,
      sandbox: gated.sandbox,
      blobs: createLocalBlobStore(artifactsDir),
      registry,
      secrets: createSecrets({ db, clock }),
    });
  });
  afterAll(async () => {
    await runs?.drain();
    await database?.drop();
    rmSync(artifactsDir, { recursive: true, force: true });
  });

  it('sends an artifact event live with the same object a replay and the run show', async () => {
    const started = await runs.start(caller, { skill: 'writer', input: {}, async: true });
    expect(started.status).toBe(202);
    await gated.written;
    // Subscribed while the sandbox is held: this stream is the live one.
    const liveStream = await runs.events(caller, started.run.id);
    gated.release();
    const live = await collect(liveStream);
    await runs.drain();
    const replayed = await collect(await runs.events(caller, started.run.id));

    const artifactsOf = (events: RunEvent[]) => events.filter((e) => e.event === 'artifact').map((e) => e.data);
    const run = await runs.get(caller, started.run.id);
    expect(run.status).toBe('succeeded');
    expect(run.artifacts).toHaveLength(1);
    expect(artifactsOf(live)).toEqual(run.artifacts);
    expect(artifactsOf(replayed)).toEqual(run.artifacts);
    expect(run.artifacts[0]).toMatchObject({ name: 'report.txt', size: 5, mime_type: 'text/plain', run_id: run.id });
    expect(live.at(-1)).toEqual({ event: 'done', data: run });
    expect(replayed.at(-1)).toEqual({ event: 'done', data: run });
  });
});
