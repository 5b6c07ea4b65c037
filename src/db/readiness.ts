import type { Logger } from '../telemetry/logger.ts';
import type { Database } from './database.ts';
import { pendingMigrations } from './migrate.ts';

export interface Readiness {
  status: 'ready' | 'not_ready';
  database: Database['kind'];
  pending_migrations: string[];
  /** Start-up work still running (first-start example loading); the server is not ready until it is done. */
  starting: string[];
  /** Set while the server shuts down. */
  draining?: boolean;
}

/**
 * Start-up work the server must finish before it says it is ready: `/healthz` answers as soon as the process
 * listens, `/readyz` only once every tracked task settled (succeeded or failed: a failure is logged, not fatal).
 *
 * @example
 * const startup = new StartupTasks();
 * startup.track('example_skills', loadExamples(...));
 */
export class StartupTasks {
  readonly #pending = new Set<string>();

  /** Marks `name` as running until `work` settles; returns `work`. */
  track<T>(name: string, work: Promise<T>): Promise<T> {
    this.#pending.add(name);
    const done = () => this.#pending.delete(name);
    work.then(done, done);
    return work;
  }

  pending(): string[] {
    return [...this.#pending];
  }
}

/**
 * Whether the database answers, every migration is applied and start-up work is done; a failure is logged and
 * reads as not ready.
 */
export async function checkReadiness(
  db: Database,
  logger: Logger,
  startup?: Pick<StartupTasks, 'pending'>,
): Promise<Readiness> {
  const starting = startup?.pending() ?? [];
  try {
    await db.query('select 1');
    const pending = await pendingMigrations(db);
    const ready = pending.length === 0 && starting.length === 0;
    return { status: ready ? 'ready' : 'not_ready', database: db.kind, pending_migrations: pending, starting };
  } catch (error) {
    logger.warn({ err: error }, 'readiness check failed');
    return { status: 'not_ready', database: db.kind, pending_migrations: [], starting };
  }
}
