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
