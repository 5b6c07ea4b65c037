import { z } from 'zod';

/**
 * The one error type of the domain. Services, stores and bundle code throw an `AppError` with a code saying what
 * kind of problem it is; only `src/api/problem.ts` knows which HTTP status and problem+json body a code becomes,
 * and the CLI turns the same codes into its exit codes.
 */
export const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'gone',
  'payload_too_large',
  'unsupported_media_type',
  'range_not_satisfiable',
  'invalid_bundle',
  'unprocessable',
  'rate_limited',
  'internal',
  'unavailable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const FieldErrorSchema = z
  .object({
    field: z.string().meta({ description: 'Where the problem is', example: 'body.name' }),
    message: z.string().meta({ description: 'What is wrong', example: 'must be at most 64 characters' }),
  })
  .meta({ id: 'FieldError' });

/** Where a problem is (a JSON pointer-ish path `body.name`, a bundle path `SKILL.md#name` or a header) and what. */
export type FieldError = z.infer<typeof FieldErrorSchema>;

export interface AppErrorOptions {
  /** Every problem, by field (validation). */
  errors?: FieldError[];
  /** Non-blocking remarks returned with the error. */
  warnings?: FieldError[];
  /** Extra members of the problem body (e.g. `run_id`). */
  extra?: Record<string, unknown>;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly options: AppErrorOptions = {},
  ) {
    super(detail);
    this.name = 'AppError';
  }
}
