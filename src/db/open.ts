import { join } from 'node:path';
import type { Database } from './database.ts';
import { createPgliteDatabase } from './pglite.ts';
import { createPostgresDatabase } from './postgres.ts';

/** The configured backend: a PostgreSQL server when a URL is given, embedded PGlite under `dataDir/db` otherwise. */
export async function openDatabase(options: { postgresUrl?: string; dataDir: string }): Promise<Database> {
  if (options.postgresUrl) return createPostgresDatabase({ url: options.postgresUrl });
  return createPgliteDatabase({ dataDir: join(options.dataDir, 'db') });
}
