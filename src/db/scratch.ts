import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import type { Database } from './database.ts';
import { migrate } from './migrate.ts';
import { createPostgresDatabase } from './postgres.ts';

/**
 * A new, migrated PostgreSQL database on the server at `adminUrl`, dropped by `drop()`: each test file and each
 * benchmark run gets its own, so they never see each other's rows.
 */
export async function createScratchDatabase(
  adminUrl: string,
  prefix: string,
  maxConnections = 5,
): Promise<{ db: Database; drop(): Promise<void> }> {
  const name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createPostgresDatabase({ url: url.toString(), maxConnections });
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
