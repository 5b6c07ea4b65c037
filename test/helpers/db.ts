import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { inject } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createPgliteDatabase } from '../../src/db/pglite.ts';
import { createPostgresDatabase } from '../../src/db/postgres.ts';
import { testEnv } from './env.ts';

export type Backend = 'pglite' | 'postgres';

/** The backends database tests run against: always PGlite, and PostgreSQL too when TEST_DATABASE_URL is set. */
export const backends: Backend[] = testEnv.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  db: Database;
  /** Closes the database and, for PostgreSQL, drops it. */
  drop(): Promise<void>;
}

/** A fresh, migrated database of the given backend: PGlite from the template, or a new PostgreSQL database. */
export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const template = new Blob([readFileSync(inject('pgliteTemplate'))]);
    const db = await createPgliteDatabase({ loadDataDir: template });
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  const adminUrl = testEnv.TEST_DATABASE_URL!;
  const name = `os_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createPostgresDatabase({ url: url.toString(), maxConnections: 5 });
  await migrate(db);
  return {
    db,
    async drop() {
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
