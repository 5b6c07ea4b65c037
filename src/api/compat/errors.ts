/**
 * The vendor-compatible APIs answer errors in their vendor's envelope, so the official SDKs raise their own typed
 * errors (404 -> NotFoundError, 409 -> ConflictError). Each vendor maps the one `AppError` (classified by
 * `toAppError`, as problem+json is) to its body; the status is ours, except that a refused bundle or a body of the
 * wrong media type is a 400, as both vendors answer an invalid upload (and their SDKs have a class for it).
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, type ErrorCode } from '../../errors.ts';
import { statusOf, toAppError } from '../problem.ts';

/** Renders one AppError as a vendor's error body. */
export type VendorErrorBody = (error: AppError, c: Context) => unknown;

const AS_BAD_REQUEST = new Set<ErrorCode>(['invalid_bundle', 'unprocessable', 'unsupported_media_type']);

/** The status a vendor API answers an error with. */
export function vendorStatus(error: AppError): ContentfulStatusCode {
  return AS_BAD_REQUEST.has(error.code) ? 400 : statusOf(error);
}

/** The error's message, with every field problem (validation, SKILL.md) appended: vendor bodies have no list. */
export function vendorMessage(error: AppError): string {
  const fields = error.options.errors ?? [];
  if (fields.length === 0) return error.message;
  return `${error.message}: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`;
}

/** The error handler and not-found handler of a vendor API. */
export function vendorErrors(body: VendorErrorBody): { onError: ErrorHandler; onNotFound: NotFoundHandler } {
  const answer = (c: Context, error: AppError) => c.json(body(error, c), vendorStatus(error));
  return {
    onError: (error, c) => answer(c, toAppError(error, c)),
    onNotFound: (c) => answer(c, new AppError('not_found', `No route for ${c.req.method} ${c.req.path}`)),
  };
}

/** Anthropic's error types by our codes (https://docs.claude.com/en/api/errors). */
const ANTHROPIC_TYPES: Record<ErrorCode, string> = {
  invalid_request: 'invalid_request_error',
  unauthorized: 'authentication_error',
  forbidden: 'permission_error',
  not_found: 'not_found_error',
  method_not_allowed: 'invalid_request_error',
  conflict: 'invalid_request_error',
  gone: 'not_found_error',
  payload_too_large: 'request_too_large',
  unsupported_media_type: 'invalid_request_error',
  range_not_satisfiable: 'invalid_request_error',
  invalid_bundle: 'invalid_request_error',
  unprocessable: 'invalid_request_error',
  rate_limited: 'rate_limit_error',
  internal: 'api_error',
  unavailable: 'overloaded_error',
};

/** `{type: 'error', error: {type, message}, request_id}`. */
export const anthropicErrors = vendorErrors((error, c) => ({
  type: 'error',
  error: { type: ANTHROPIC_TYPES[error.code], message: vendorMessage(error) },
  request_id: c.get('requestId') ?? null,
}));

/** OpenAI's error types: client errors are invalid requests, except the few it names apart. */
const OPENAI_TYPES: Partial<Record<ErrorCode, string>> = {
  unauthorized: 'authentication_error',
  forbidden: 'permission_error',
  not_found: 'not_found_error',
  rate_limited: 'rate_limit_error',
  internal: 'server_error',
  unavailable: 'server_error',
};

/** `{error: {message, type, param, code}}`; `param` names the first field at fault. */
export const openaiErrors = vendorErrors((error) => ({
  error: {
    message: vendorMessage(error),
    type: OPENAI_TYPES[error.code] ?? 'invalid_request_error',
    param: error.options.errors?.[0]?.field ?? null,
    code: error.code === 'unauthorized' ? 'invalid_api_key' : error.code,
  },
}));
