import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import type { GetRoute, ListRoute, PutRoute, RemoveRoute } from './members.routes.ts';

export const list: RouteHandler<ListRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.members.list(c.var.caller, c.req.valid('param').org, c.req.valid('query')), 200);

export const get: RouteHandler<GetRoute, AppEnv> = async (c) => {
  const { org, user } = c.req.valid('param');
  return c.json(await c.var.services.members.get(c.var.caller, org, user), 200);
};

export const put: RouteHandler<PutRoute, AppEnv> = async (c) => {
  const { org, user } = c.req.valid('param');
  const { created, member } = await c.var.services.members.put(c.var.caller, org, user, c.req.valid('json').role);
  return created ? c.json(member, 201) : c.json(member, 200);
};

export const remove: RouteHandler<RemoveRoute, AppEnv> = async (c) => {
  const { org, user } = c.req.valid('param');
  await c.var.services.members.remove(c.var.caller, org, user);
  return c.body(null, 204);
};
