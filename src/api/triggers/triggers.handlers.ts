import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import type { RunRoute } from './triggers.routes.ts';

export const run: RouteHandler<RunRoute, AppEnv> = async (c) => {
  const { version, suite } = c.req.valid('json');
  const report = await c.var.services.triggers(c.var.caller, c.req.valid('param').id, { suite, versionRef: version });
  return c.json(report, 200);
};
