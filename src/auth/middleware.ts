import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import type { TokenService } from './tokens.ts';

/** Requires `Authorization: Bearer <JWT>` and puts the verified caller on the context. */
export function bearerAuth(tokens: TokenService): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (!header) {
      throw new AppError('unauthorized', 'Send a token as "Authorization: Bearer <token>"');
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw new AppError('unauthorized', 'The Authorization header must be "Bearer <token>"');
    }
    c.set('caller', await tokens.verify(match[1]));
    await next();
  };
}
