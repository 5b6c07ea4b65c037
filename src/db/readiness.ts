import type { Logger } from '../telemetry/logger.ts';
import type { Database } from './database.ts';
import { pendingMigrations } from './migrate.ts';

export interface Readiness {
  status: 'ready' | 'not_ready';
  database: Database['kind'];
  pending_migrations: string[];
  /** Set while the server shuts down. */
  draining?: boolean;
}

/** Whether the database answers and every migration is applied; a failure is logged and reads as not ready. */
export async function checkReadiness(db: Database, logger: Logger): Promise<Readiness> {
  try {
    await db.query('select 1');
    const pending = await pendingMigrations(db);
    return { status: pending.length === 0 ? 'ready' : 'not_ready', database: db.kind, pending_migrations: pending };
  } catch (error) {
    logger.warn({ err: error }, 'readiness check failed');
    return { status: 'not_ready', database: db.kind, pending_migrations: [] };
  }
}
