import { z } from '@hono/zod-openapi';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, type ErrorCode, FieldErrorSchema } from '../errors.ts';

/**
 * The HTTP face of `AppError`: each domain error code maps to one status and one RFC 9457 problem type, and the
 * one `onError` answers with `application/problem+json`. Route declarations spread `errorResponses` so the error
 * contract is documented once.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  invalid_bundle: 422,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<ErrorCode, ContentfulStatusCode>;

const TITLES: Record<ErrorCode, string> = {
  invalid_request: 'The request is not valid',
  unauthorized: 'Authentication required',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict',
  gone: 'Gone',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  range_not_satisfiable: 'Range not satisfiable',
  invalid_bundle: 'The skill bundle is not valid',
  unprocessable: 'The request cannot be processed',
  rate_limited: 'Too many requests',
  internal: 'Internal server error',
  unavailable: 'Service unavailable',
};

/** Problem type URIs: stable identifiers clients can switch on. */
export const problemType = (code: ErrorCode) => `https://open-skills.dev/problems/${code.replaceAll('_', '-')}`;

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ description: 'Problem type URI', example: problemType('not_found') }),
    title: z.string().openapi({ description: 'Short summary of the problem type', example: 'Not found' }),
    status: z.number().int().openapi({ description: 'HTTP status code', example: 404 }),
    detail: z.string().openapi({ description: 'What went wrong in this case', example: 'Skill "pdf-tools" not found' }),
    instance: z.string().openapi({ description: 'The request path', example: '/skills/pdf-tools' }),
    request_id: z.string().openapi({ description: 'Request id, also in x-request-id', example: '0f6c2b1e-7f0e-4f5b' }),
    errors: z.array(FieldErrorSchema).optional().openapi({ description: 'Every validation problem, by field' }),
    warnings: z.array(FieldErrorSchema).optional().openapi({ description: 'Non-blocking remarks' }),
  })
  .openapi('Problem');

export type Problem = z.infer<typeof ProblemSchema>;

export const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** Error responses every authenticated route can give; spread into each route's `responses`. */
export const errorResponses = {
  400: problemResponse('The request is malformed or fails validation'),
  401: problemResponse('Missing, malformed, expired or wrongly signed token'),
  403: problemResponse('The caller may not do this'),
  404: problemResponse('Not found, or not visible to the caller'),
  500: problemResponse('Unexpected server error'),
} as const;

export const conflictResponse = { 409: problemResponse('Conflicts with the current state') } as const;
export const unprocessableResponse = {
  422: problemResponse('The content is well-formed but not acceptable (e.g. an invalid bundle)'),
} as const;
export const tooLargeResponse = { 413: problemResponse('The request body is too large') } as const;

/** A JSON response declaration for `createRoute` (`200: json(SkillSchema, 'The skill')`). */
export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** Turns a zod error into field errors (`body.name: Required`). */
export function fieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[], prefix: string) {
  return issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

/** The HTTP status an error code answers with. */
export const statusOf = (error: AppError): ContentfulStatusCode => ERROR_STATUS[error.code];

function problemBody(c: Context, error: AppError): Problem {
  const body: Problem = {
    type: problemType(error.code),
    title: TITLES[error.code],
    status: statusOf(error),
    detail: error.message,
    instance: c.req.path,
    request_id: c.get('requestId') ?? '',
  };
  if (error.options.errors?.length) body.errors = error.options.errors;
  if (error.options.warnings?.length) body.warnings = error.options.warnings;
  return { ...error.options.extra, ...body };
}

export function problemJson(c: Context, error: AppError): Response {
  return c.body(JSON.stringify(problemBody(c, error)), statusOf(error), {
    'content-type': 'application/problem+json',
  });
}

/** Hono's own exceptions (body limits, validators' media type gate) by status. */
const HTTP_EXCEPTION_CODES: Partial<Record<number, ErrorCode>> = {
  401: 'unauthorized',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/**
 * Any thrown value as the `AppError` it answers with: AppErrors as they are, Hono's exceptions by status, anything
 * else logged and turned into a bare `internal` error. The problem+json handler and the vendor-compatible APIs'
 * handlers (src/api/compat) share it, so every error is classified once.
 */
export function toAppError(error: Error, c: Context): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    const code = HTTP_EXCEPTION_CODES[error.status] ?? 'invalid_request';
    return new AppError(code, error.message || 'The request could not be handled');
  }
  const logger = c.get('logger');
  logger?.error({ err: error }, 'unhandled error');
  // Never echo internal messages or stacks to the client: they can carry paths, SQL or secrets.
  return new AppError('internal', 'Something went wrong on our side; the request id identifies it');
}

/** The one error handler: every error as its problem+json. */
export const onError: ErrorHandler = (error, c) => problemJson(c, toAppError(error, c));

export const onNotFound: NotFoundHandler = (c) =>
  problemJson(c, new AppError('not_found', `No route for ${c.req.method} ${c.req.path}`));
