import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import type { MeRoute } from './me.routes.ts';

export const me: RouteHandler<MeRoute, AppEnv> = (c) => {
  const caller = c.var.caller;
  return c.json({ user_id: caller.userId, org_id: caller.orgId, role: caller.role, token_id: caller.tokenId }, 200);
};
