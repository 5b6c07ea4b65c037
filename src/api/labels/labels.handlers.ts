import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import type { PutRoute, RemoveRoute } from './labels.routes.ts';

export const put: RouteHandler<PutRoute, AppEnv> = async (c) => {
  const { id, label } = c.req.valid('param');
  return c.json(await c.var.services.registry.setLabel(c.var.caller, id, label, c.req.valid('json').version), 200);
};

export const remove: RouteHandler<RemoveRoute, AppEnv> = async (c) => {
  const { id, label } = c.req.valid('param');
  await c.var.services.registry.deleteLabel(c.var.caller, id, label);
  return c.body(null, 204);
};
