import type { RouteHandler } from '@hono/zod-openapi';
import { pendingMigrations } from '../../db/migrate.ts';
import type { AppEnv } from '../context.ts';
import type { HealthzRoute, ReadyzRoute } from './health.routes.ts';

export const healthz: RouteHandler<HealthzRoute, AppEnv> = (c) => c.json({ status: 'ok' as const }, 200);

export const readyz: RouteHandler<ReadyzRoute, AppEnv> = async (c) => {
  const { db } = c.var.deps;
  try {
    await db.query('select 1');
    const pending = await pendingMigrations(db);
    const status = pending.length === 0 ? ('ready' as const) : ('not_ready' as const);
    return c.json({ status, database: db.kind, pending_migrations: pending }, status === 'ready' ? 200 : 503);
  } catch (error) {
    c.var.logger.warn({ err: error }, 'readiness check failed');
    return c.json({ status: 'not_ready' as const, database: db.kind, pending_migrations: [] }, 503);
  }
};
