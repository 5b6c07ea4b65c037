import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ApiError, type Problem, problemType } from './errors.ts';

function problemBody(c: Context, error: ApiError): Problem {
  const body: Problem = {
    type: problemType(error.code),
    title: error.title,
    status: error.status,
    detail: error.message,
    instance: c.req.path,
    request_id: c.get('requestId') ?? '',
  };
  if (error.options.errors?.length) body.errors = error.options.errors;
  if (error.options.warnings?.length) body.warnings = error.options.warnings;
  return { ...error.options.extra, ...body };
}

export function problemResponse(c: Context, error: ApiError): Response {
  return c.body(JSON.stringify(problemBody(c, error)), error.status, {
    'content-type': 'application/problem+json',
  });
}

/** The one error handler: ApiErrors become their problem; anything else is logged and becomes a bare 500. */
export const onError: ErrorHandler = (error, c) => {
  if (error instanceof ApiError) return problemResponse(c, error);
  if (error instanceof HTTPException) {
    const code = error.status === 413 ? 'payload_too_large' : error.status === 401 ? 'unauthorized' : 'invalid_request';
    return problemResponse(c, new ApiError(code, error.message || 'The request could not be handled'));
  }
  const logger = c.get('logger');
  logger?.error({ err: error }, 'unhandled error');
  // Never echo internal messages or stacks to the client: they can carry paths, SQL or secrets.
  return problemResponse(c, new ApiError('internal', 'Something went wrong on our side; the request id identifies it'));
};

export const onNotFound: NotFoundHandler = (c) =>
  problemResponse(c, new ApiError('not_found', `No route for ${c.req.method} ${c.req.path}`));
