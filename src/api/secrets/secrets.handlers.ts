import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import type { ListRoute, PutRoute, RemoveRoute } from './secrets.routes.ts';

export const put: RouteHandler<PutRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.secrets.put(c.var.caller, c.req.valid('param').name, c.req.valid('json').value), 200);

export const list: RouteHandler<ListRoute, AppEnv> = async (c) =>
  c.json({ data: await c.var.services.secrets.list(c.var.caller) }, 200);

export const remove: RouteHandler<RemoveRoute, AppEnv> = async (c) => {
  await c.var.services.secrets.remove(c.var.caller, c.req.valid('param').name);
  return c.body(null, 204);
};
