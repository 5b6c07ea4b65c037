/**
 * Request bodies, bounded before anything reads them. Every route gets the default limit (JSON routes); routes
 * that take uploads or run files declare a larger one as a rule, next to their router. A body past its limit is a
 * 413 problem, refused on its Content-Length, or as soon as a chunked body passes the limit. JSON bodies are then
 * checked for what the database cannot store (NUL characters, nesting deeper than MAX_JSON_DEPTH) before any
 * validator parses them, and so are the URL's path and query: a 400 problem, never a 500.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.ts';
import { jsonTextProblem } from '../json-bounds.ts';
import { formatBytes } from '../skills/limits.ts';

/** A route (Hono path pattern, `:param` segments) that takes more than the default. */
export interface BodyLimitRule {
  method: string;
  path: string;
  maxBytes: number;
  /** What the body is, for the error message ("The upload"). */
  what: string;
}

/** The default limit of request bodies: 1 MB (MAX_JSON_BODY_BYTES). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function limiter(maxBytes: number, what: string): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError('payload_too_large', `${what} is larger than ${formatBytes(maxBytes)}`);
    },
  });
}

/**
 * One middleware for every route: the rule matching the request's method and path, else the default.
 *
 * @example
 * app.use('*', bodyLimits(1024 * 1024, [{ method: 'POST', path: '/runs', maxBytes: 32 << 20, what: 'The run request' }]));
 */
export function bodyLimits(defaultBytes: number, rules: BodyLimitRule[]): MiddlewareHandler {
  const fallback = limiter(defaultBytes, 'The request body');
  const routes = rules.map((rule) => ({
    method: rule.method.toUpperCase(),
    pattern: new RegExp(`^${rule.path.replace(/:[^/]+/g, '[^/]+')}/?$`),
    limit: limiter(rule.maxBytes, rule.what),
  }));
  return (c, next) => {
    const route = routes.find((r) => r.method === c.req.method && r.pattern.test(c.req.path));
    return (route?.limit ?? fallback)(c, next);
  };
}

/** Refuses NUL characters in the URL, and unstorable JSON bodies, with a 400 naming the problem. */
export const storableRequest: MiddlewareHandler = async (c, next) => {
  if (/%00|\u0000/i.test(c.req.url)) {
    throw new AppError('invalid_request', 'The URL contains a NUL character (%00), which cannot be stored');
  }
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (c.req.raw.body && (type === 'application/json' || type.endsWith('+json'))) {
    // A copy is read, so later middleware (a route's own, smaller limit) and validators find the body unread.
    const problem = jsonTextProblem(await c.req.raw.clone().text());
    if (problem) {
      throw new AppError('invalid_request', `The JSON body ${problem}`, {
        errors: [{ field: 'body', message: problem }],
      });
    }
  }
  await next();
};

/** Small JSON bodies (members, tokens): a role, a name, a number of days. */
export const SMALL_JSON_BYTES = 16 * 1024;

/**
 * A route's own, smaller limit, on top of the default every route has.
 *
 * @example
 * tokensRouter.use('/tokens', limitBody(SMALL_JSON_BYTES));
 */
export const limitBody = (maxBytes: number, what = 'The request body') => limiter(maxBytes, what);
