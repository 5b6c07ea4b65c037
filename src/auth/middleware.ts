import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import type { Authenticate } from './authenticate.ts';

/**
 * Requires `Authorization: Bearer <JWT>` and puts the authenticated caller on the context. `authenticate` is
 * looked up per request so the app's services can be built lazily. With `apiKeyHeader` (the Anthropic-compatible
 * API's `x-api-key`), the token may come in that header instead when no Authorization header is sent.
 */
export function bearerAuth(
  authenticate: () => Authenticate,
  options: { apiKeyHeader?: string } = {},
): MiddlewareHandler {
  const { apiKeyHeader } = options;
  return async (c, next) => {
    const header = c.req.header('authorization');
    const apiKey = apiKeyHeader ? c.req.header(apiKeyHeader)?.trim() : undefined;
    if (!header && apiKey) {
      c.set('caller', await authenticate()(apiKey, c.get('requestId')));
      return next();
    }
    if (!header) {
      const alternative = apiKeyHeader ? ` or "${apiKeyHeader}: <token>"` : '';
      throw new AppError('unauthorized', `Send a token as "Authorization: Bearer <token>"${alternative}`);
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw new AppError('unauthorized', 'The Authorization header must be "Bearer <token>"');
    }
    c.set('caller', await authenticate()(match[1], c.get('requestId')));
    await next();
  };
}
