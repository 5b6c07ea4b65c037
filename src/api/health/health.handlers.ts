import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import type { HealthzRoute, ReadyzRoute } from './health.routes.ts';

export const healthz: RouteHandler<HealthzRoute, AppEnv> = (c) => c.json({ status: 'ok' as const }, 200);

export const readyz: RouteHandler<ReadyzRoute, AppEnv> = async (c) => {
  const readiness = await c.var.services.readiness(c.var.logger);
  return c.json(readiness, readiness.status === 'ready' ? 200 : 503);
};
