import { createHash, timingSafeEqual } from 'node:crypto';
import type { RouteHandler } from '@hono/zod-openapi';
import { requireRole } from '../../auth/caller.ts';
import { AppError } from '../../errors.ts';
import type { AppEnv } from '../context.ts';
import type { MetricsRoute } from './metrics.routes.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether `token` is the metrics token (compared in constant time). */
export function isMetricsToken(token: string, metricsToken: string | undefined): boolean {
  return metricsToken !== undefined && timingSafeEqual(digest(token), digest(metricsToken));
}

/** GET /metrics: the scraper's METRICS_TOKEN, or an admin's token. */
export const metrics: RouteHandler<MetricsRoute, AppEnv> = async (c) => {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
  if (!token)
    throw new AppError('unauthorized', 'Send an admin token or METRICS_TOKEN as "Authorization: Bearer <token>"');
  const { services } = c.var;
  if (!isMetricsToken(token, services.metricsToken)) {
    requireRole(await services.authenticate(token, c.get('requestId')), 'admin', 'read metrics');
  }
  return c.text(await services.metrics.render(), 200, { 'content-type': services.metrics.contentType });
};
