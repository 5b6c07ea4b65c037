import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/auth/caller.ts';
import { recoverInterruptedRuns } from '../../src/runs/recovery.ts';
import { newRunRow } from '../../src/runs/rows.ts';
import { createRunStore } from '../../src/runs/store.ts';
import { backends, createTestDatabase, type TestDatabase } from '../helpers/db.ts';

// The start-up step that ends runs a stopped server left open, on both database backends.
describe.each(backends)('run recovery on %s', (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(backend);
  });
  afterAll(() => database.drop());

  it('ends open runs created before the cut-off as infrastructure_error and leaves the rest alone', async () => {
    const store = createRunStore(database.db);
    const caller = { userId: 'alice', orgId: 'acme', role: 'admin', tokenId: 'test' } as Caller;
    const row = (status: 'queued' | 'running', created: Date) =>
      newRunRow(caller, created, {
        id: uuidv7(),
        status,
        input_json: {},
        parent_run_id: null,
        kind: 'chain',
        depth: 0,
      });
    const now = new Date();
    const old = row('running', new Date(now.getTime() - 3_600_000));
    const queued = row('queued', new Date(now.getTime() - 3_600_000));
    const recent = row('running', now);
    for (const r of [old, queued, recent]) await store.insertRun(r);

    expect(await recoverInterruptedRuns(database.db, { now, createdBefore: new Date(now.getTime() - 60_000) })).toBe(2);
    for (const r of [old, queued]) {
      expect(await store.getRun('acme', r.id)).toMatchObject({
        status: 'failed',
        error: { type: 'infrastructure_error' },
      });
    }
    expect((await store.getRun('acme', recent.id))?.status).toBe('running');
  });
});
