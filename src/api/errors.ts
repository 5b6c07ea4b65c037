import { z } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * One error class for the whole API. Each code maps to one HTTP status and one problem type; `onError` turns it
 * into an RFC 9457 problem+json body.
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
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

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

export interface FieldError {
  /** Where the problem is: a JSON pointer-ish path (`body.name`), a bundle path (`SKILL.md#name`) or a header. */
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: ContentfulStatusCode;

  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly options: { errors?: FieldError[]; warnings?: FieldError[]; extra?: Record<string, unknown> } = {},
  ) {
    super(detail);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }

  get title(): string {
    return TITLES[this.code];
  }
}

export const FieldErrorSchema = z
  .object({
    field: z.string().openapi({ description: 'Where the problem is', example: 'body.name' }),
    message: z.string().openapi({ description: 'What is wrong', example: 'must be at most 64 characters' }),
  })
  .openapi('FieldError');

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

const problemResponse = (description: string) => ({
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

/** Turns a zod error into field errors (`body.name: Required`). */
export function fieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[], prefix: string) {
  return issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}
