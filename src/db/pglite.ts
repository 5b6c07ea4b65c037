import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** State and start time (clock ticks after boot) of a process, from /proc (Linux); undefined when unknown. */
function procStat(pid: number): { state: string; startTime: string } | undefined | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    // No such process (null), or no /proc on this system (undefined).
    return (error as NodeJS.ErrnoException).code === 'ENOENT' && existsSync('/proc/self/stat') ? null : undefined;
  }
  // The command name (2nd field) is in parentheses and may contain spaces: read after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', startTime: fields[19] ?? '' };
}

/** This process's identity in the lock file: pid, and its start time where /proc tells it (pids are reused). */
function lockText(): string {
  const started = procStat(process.pid)?.startTime;
  return started ? `${process.pid} ${started}` : String(process.pid);
}

/**
 * Whether the process that wrote the lock still runs. A zombie (dead, not yet reaped by its parent) and a new
 * process that reuses the pid do not hold the lock: a restart right after a crash must work.
 */
function holderAlive(pid: number, startTime: string | undefined): boolean {
  const stat = procStat(pid);
  if (stat === null) return false;
  if (stat) return stat.state !== 'Z' && stat.state !== 'X' && (!startTime || startTime === stat.startTime);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the pid lock beside the data folder; a lock left by a dead process is taken over. */
export function acquireLock(lockFile: string): () => void {
  try {
    writeFileSync(lockFile, lockText(), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const [pidText, startTime] = readFileSync(lockFile, 'utf8').trim().split(' ');
    const holder = Number.parseInt(pidText ?? '', 10);
    if (Number.isInteger(holder) && holder !== process.pid && holderAlive(holder, startTime)) {
      throw new DataDirLockedError(lockFile, holder);
    }
    writeFileSync(lockFile, lockText());
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

/**
 * PostgreSQL settings of the embedded database. PGlite runs PostgreSQL in one WebAssembly instance whose memory
 * only grows: the default `shared_buffers` (128 MB) made the wasm heap grow to about 200 MB and the API process
 * reach 430 MB idle. 16 MB keeps the heap at its 128 MB minimum (measured: 434 -> 276 MB RSS on a restart); pages
 * beyond it are read from the data folder's files, which the OS caches. The rest are PGlite's own defaults
 * (`--single`, `-F`: no fsync, ...), which `startParams` replaces as a whole.
 */
const PGLITE_START_PARAMS = [
  ...['--single', '-F', '-O', '-j'],
  ...['-c', 'search_path=public', '-c', 'exit_on_error=false', '-c', 'log_checkpoints=false', '-c', 'io_method=sync'],
  ...['-c', 'max_worker_processes=0', '-c', 'max_parallel_workers=0', '-c', 'max_parallel_workers_per_gather=0'],
  ...['-c', 'max_parallel_maintenance_workers=0', '-c', 'shared_buffers=16MB'],
];

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
      startParams: PGLITE_START_PARAMS,
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
  } catch (error) {
    release();
    throw error;
  }
  return {
    kind: 'pglite',
    queueConnection: { kind: 'pglite', pglite: db },
    ...queryable(db),
    listen: (channel, onPayload) => db.listen(channel, onPayload),
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
