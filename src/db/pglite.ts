import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import type { Database, Queryable } from './database.ts';

export interface PgliteOptions {
  /** Folder holding the database files; undefined keeps the database in memory. */
  dataDir?: string;
  /** A data directory tarball (from `dumpDataDir`) to start from, used by tests to skip initdb. */
  loadDataDir?: Blob;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly pid: number,
  ) {
    super(
      `Another open-skills process (pid ${pid}) is using the embedded database at ${lockFile.replace(/\.lock$/, '')}. ` +
        'Two processes on one PGlite folder corrupt it: stop the other process, or set DATA_DIR to another folder.',
    );
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the pid lock beside the data folder; a lock left by a dead process is taken over. */
function acquireLock(lockFile: string): () => void {
  try {
    writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
    if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
      throw new DataDirLockedError(lockFile, holder);
    }
    writeFileSync(lockFile, String(process.pid));
  }
  return () => rmSync(lockFile, { force: true });
}

function queryable(db: PGlite | Transaction): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []) {
      const result = await db.query<T>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
  };
}

/** Embedded PostgreSQL (PGlite + pgvector + pg_trgm), persisted under `dataDir` when given. */
export interface PgliteDatabase extends Database {
  /** The database files as a tarball, so tests can start new databases from it without initdb. */
  dumpDataDir(): Promise<Blob>;
}

export async function createPgliteDatabase(options: PgliteOptions = {}): Promise<PgliteDatabase> {
  let release = () => {};
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    release = acquireLock(join(options.dataDir, '..', 'db.lock'));
  }
  let db: PGlite;
  try {
    db = await PGlite.create(options.dataDir, {
      extensions: { vector, pg_trgm },
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
  } catch (error) {
    release();
    throw error;
  }
  return {
    kind: 'pglite',
    ...queryable(db),
    transaction: (fn) => db.transaction((tx) => fn(queryable(tx))),
    dumpDataDir: async () => (await db.dumpDataDir('none')) as Blob,
    async close() {
      try {
        await db.close();
      } finally {
        release();
      }
    },
  };
}
