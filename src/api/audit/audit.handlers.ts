import type { RouteHandler } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from '../context.ts';
import type { ListRoute } from './audit.routes.ts';

export const list: RouteHandler<ListRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.audit.list(c.var.caller, c.req.valid('query')), 200);

/**
 * Records every request an authenticated caller was refused with 403 (what they tried, and why) in the audit
 * trail; the entry never holds the request body.
 */
export const recordDenied: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const caller = c.get('caller');
  if (c.res.status !== 403 || !caller) return;
  const detail = await c.res
    .clone()
    .json()
    // problem+json has `detail`; the vendor-compatible APIs' envelopes have `error.message`.
    .then((body: { detail?: string; error?: { message?: string } }) => body.detail ?? body.error?.message ?? null)
    .catch(() => null);
  await c.var.services.audit
    .record(caller, {
      action: 'request.denied',
      targetType: 'route',
      targetId: `${c.req.method} ${routePath(c, -1)}`,
      data: { path: c.req.path, detail },
      outcome: 'denied',
    })
    .catch((error) => c.var.logger.error({ err: error }, 'could not record a denied request'));
};
