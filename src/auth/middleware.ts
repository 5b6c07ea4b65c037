import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import type { Authenticate } from './authenticate.ts';

/**
 * Requires `Authorization: Bearer <JWT>` and puts the authenticated caller on the context. `authenticate` is
 * looked up per request so the app's services can be built lazily.
 */
export function bearerAuth(authenticate: () => Authenticate): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) {
      throw new AppError('unauthorized', 'Send a token as "Authorization: Bearer <token>"');
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw new AppError('unauthorized', 'The Authorization header must be "Bearer <token>"');
    }
    c.set('caller', await authenticate()(match[1], c.get('requestId')));
    await next();
  };
}
