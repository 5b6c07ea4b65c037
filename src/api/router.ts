import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import type { AppEnv } from './context.ts';
import { fieldErrors } from './problem.ts';

/** A router whose validation failures become 400 problem+json listing every field. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const target = (result as { target?: string }).target ?? 'request';
        const prefix = target === 'json' || target === 'form' ? 'body' : target;
        const errors = fieldErrors(result.error.issues, prefix);
        throw new AppError(
          'invalid_request',
          `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}`,
          {
            errors,
          },
        );
      }
    },
  });
}

export type AppRouter = ReturnType<typeof createRouter>;

/** Refuses a body that is none of `mediaTypes` (or absent) with a 415 naming them. */
function requireBodyOf(mediaTypes: string[]): MiddlewareHandler {
  return async (c, next) => {
    const sent = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!mediaTypes.includes(sent)) {
      throw new AppError('unsupported_media_type', `Send the request body as ${mediaTypes.join(' or ')}`);
    }
    await next();
  };
}

/**
 * Serves a route whose body may come in several media types (JSON or multipart). zod-openapi runs every body
 * validator of a `required` body whatever was sent, so `router` documents the route as declared and serves a copy
 * whose body is optional (each validator then runs only for its own content type) behind a check that a body of
 * one of the declared types was sent.
 *
 * @example
 * runsRouter.openapi(perContentType(runsRouter, routes.create), handlers.create);
 */
export function perContentType<R extends RouteConfig>(router: AppRouter, route: R): R {
  router.openAPIRegistry.registerPath(route);
  const body = route.request?.body;
  if (!body) return route;
  return {
    ...route,
    hide: true,
    middleware: [requireBodyOf(Object.keys(body.content)), ...[route.middleware ?? []].flat()],
    request: { ...route.request, body: { ...body, required: false } },
  };
}
