import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import type {
  LegacyListRoute,
  LegacyPutRoute,
  LegacyRemoveRoute,
  ListRoute,
  PutRoute,
  RemoveRoute,
} from './secrets.routes.ts';

/** `/orgs/{org}/secrets` names the organisation; the legacy `/secrets` routes act in the caller's. */
type Put = RouteHandler<PutRoute, AppEnv> & RouteHandler<LegacyPutRoute, AppEnv>;
type List = RouteHandler<ListRoute, AppEnv> & RouteHandler<LegacyListRoute, AppEnv>;
type Remove = RouteHandler<RemoveRoute, AppEnv> & RouteHandler<LegacyRemoveRoute, AppEnv>;

const orgOf = (c: { req: { param(name: string): string | undefined }; var: AppEnv['Variables'] }) =>
  c.req.param('org') ?? c.var.caller.orgId;

export const put = (async (c) => {
  const { name } = c.req.valid('param');
  return c.json(await c.var.services.secrets.put(c.var.caller, orgOf(c), name, c.req.valid('json').value), 200);
}) as Put;

export const list = (async (c) =>
  c.json({ data: await c.var.services.secrets.list(c.var.caller, orgOf(c)) }, 200)) as List;

export const remove = (async (c) => {
  await c.var.services.secrets.remove(c.var.caller, orgOf(c), c.req.valid('param').name);
  return c.body(null, 204);
}) as Remove;
