import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import type { StatsRoute } from './stats.routes.ts';

export const stats: RouteHandler<StatsRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.stats.overview(c.var.caller, { hours: c.req.valid('query').hours }), 200);
