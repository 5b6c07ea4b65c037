import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate, pendingMigrations } from '../../src/db/migrate.ts';
import { createPgliteDatabase, DataDirLockedError } from '../../src/db/pglite.ts';
import { createPostgresDatabase } from '../../src/db/postgres.ts';
import { backends, createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { testEnv } from '../helpers/env.ts';

describe.each(backends)('migrations on %s', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(backend);
  });
  afterAll(() => test.drop());

  it('applies every migration once; applying again is a no-op', async () => {
    const names = loadMigrations().map((m) => m.name);
    expect(names[0]).toBe('001_init');
    expect(await migrate(test.db)).toEqual([]);
    expect(await pendingMigrations(test.db)).toEqual([]);
    const rows = await test.db.query<{ name: string }>('select name from schema_migrations order by name');
    expect(rows.map((r) => r.name)).toEqual(names);
  });

  it('creates the tables with pgvector and pg_trgm available', async () => {
    const tables = await test.db.query<{ table_name: string }>(
      'select table_name from information_schema.tables where table_schema = current_schema() order by 1',
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'skills',
        'skill_versions',
        'skill_files',
        'skill_runs',
        'skill_artifacts',
        'skill_permissions',
        'audit_log',
        'secrets',
        'api_tokens',
      ]),
    );
    const [row] = await test.db.query<{ d: number; s: number }>(
      "select ('[1,0]'::vector <=> '[0,1]'::vector)::float8 as d, similarity('pptx', 'ppt')::float8 as s",
    );
    expect(row?.d).toBeCloseTo(1);
    expect(row?.s).toBeGreaterThan(0);
  });

  it('rolls a failing transaction back completely', async () => {
    await expect(
      test.db.transaction(async (tx) => {
        await tx.query(
          "insert into audit_log (id, org_id, actor_id, action, target_type) values (gen_random_uuid(), 'o', 'u', 'a', 't')",
        );
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const [row] = await test.db.query<{ n: number }>('select count(*)::int as n from audit_log');
    expect(row?.n).toBe(0);
  });
});

describe.runIf(testEnv.TEST_DATABASE_URL)('concurrent migration on PostgreSQL', () => {
  it('two processes migrating at once apply each migration exactly once', async () => {
    const empty = await createTestDatabase('postgres');
    // Start from an empty schema in a fresh database: drop what createTestDatabase applied.
    await empty.db.exec('drop schema public cascade; create schema public;');
    const url = new URL(testEnv.TEST_DATABASE_URL!);
    const [{ current_database }] = (await empty.db.query<{ current_database: string }>(
      'select current_database()',
    )) as [{ current_database: string }];
    url.pathname = `/${current_database}`;
    const a = createPostgresDatabase({ url: url.toString(), maxConnections: 1 });
    const b = createPostgresDatabase({ url: url.toString(), maxConnections: 1 });
    try {
      const [appliedA, appliedB] = await Promise.all([migrate(a), migrate(b)]);
      const all = loadMigrations().map((m) => m.name);
      expect([...appliedA, ...appliedB].sort()).toEqual(all);
      const rows = await a.query<{ n: number }>('select count(*)::int as n from schema_migrations');
      expect(rows[0]?.n).toBe(all.length);
    } finally {
      await a.close();
      await b.close();
      await empty.drop();
    }
  });
});

describe('embedded PGlite on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'open-skills-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps data across restarts and refuses a second process on the same folder', async () => {
    const dataDir = join(dir, 'db');
    const first = await createPgliteDatabase({ dataDir });
    await migrate(first);
    await first.query(
      "insert into audit_log (id, org_id, actor_id, action, target_type) values (gen_random_uuid(), 'o', 'u', 'kept', 't')",
    );
    // The lock names this process; a lock held by a live process other than us is refused.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'db.lock'), String(process.ppid));
    await expect(createPgliteDatabase({ dataDir })).rejects.toBeInstanceOf(DataDirLockedError);
    writeFileSync(join(dir, 'db.lock'), String(process.pid));
    await first.close();

    const second = await createPgliteDatabase({ dataDir });
    try {
      expect(await migrate(second)).toEqual([]);
      const rows = await second.query<{ action: string }>('select action from audit_log');
      expect(rows.map((r) => r.action)).toEqual(['kept']);
    } finally {
      await second.close();
    }
  });
});
