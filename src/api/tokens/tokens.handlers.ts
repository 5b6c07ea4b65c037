import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import type { IssueRoute, ListRoute, RevokeRoute } from './tokens.routes.ts';

export const issue: RouteHandler<IssueRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.apiTokens.issue(c.var.caller, c.req.valid('json')), 201);

export const list: RouteHandler<ListRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.apiTokens.list(c.var.caller, c.req.valid('query')), 200);

export const revoke: RouteHandler<RevokeRoute, AppEnv> = async (c) => {
  await c.var.services.apiTokens.revoke(c.var.caller, c.req.valid('param').id);
  return c.body(null, 204);
};
