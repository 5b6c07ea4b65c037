/**
 * The app the benchmarks measure: real parts (a temp artifact folder, a sandbox), no logging. The database is
 * embedded PGlite persisted in a temp folder, as `npm start` runs it, or a new scratch database on the PostgreSQL
 * server at `postgresUrl` (dropped by `close()`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/api/app.ts';
import { createTokenService } from '../src/auth/tokens.ts';
import { systemClock } from '../src/clock.ts';
import type { Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPgliteDatabase } from '../src/db/pglite.ts';
import { createScratchDatabase } from '../src/db/scratch.ts';
import { createSandbox, type SandboxOptions } from '../src/runtime/sandbox.ts';
import { deriveSecretsKey } from '../src/secrets/service.ts';
import { createLocalBlobStore } from '../src/storage/local-blob-store.ts';
import { createLogger } from '../src/telemetry/logger.ts';

const SECRET = 'bench-secret-that-is-at-least-32-characters';

export async function openBenchDatabase(dir: string, postgresUrl?: string) {
  if (postgresUrl) return createScratchDatabase(postgresUrl, 'os_bench');
  const db: Database = await createPgliteDatabase({ dataDir: join(dir, 'db') });
  await migrate(db);
  return { db, drop: () => db.close() };
}

export async function createBenchApp(sandboxOptions: SandboxOptions, postgresUrl?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const { db, drop } = await openBenchDatabase(dir, postgresUrl);
  const sandbox = createSandbox(sandboxOptions);
  const tokens = createTokenService(SECRET, systemClock);
  const app = createApp({
    db,
    clock: systemClock,
    logger: createLogger({ level: 'silent' }),
    tokens,
    sandbox,
    blobs: createLocalBlobStore(join(dir, 'artifacts')),
    secretsKey: deriveSecretsKey(SECRET),
  });
  /** A bearer header for a user of `org` (admin). */
  const auth = async (user: string, org: string) =>
    `Bearer ${await tokens.issue({ userId: user, orgId: org, role: 'admin' })}`;
  const close = async () => {
    await sandbox.close();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { app, db, sandbox, auth, close };
}
