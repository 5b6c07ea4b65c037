import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createPgliteDatabase } from '../../src/db/pglite.ts';
import { createScratchDatabase } from '../../src/db/scratch.ts';
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
  return createScratchDatabase(testEnv.TEST_DATABASE_URL!, 'os_test');
}
