import { z } from '@hono/zod-openapi';
import { FieldErrorSchema, problemType } from '../errors.ts';

export { ApiError, ERROR_STATUS, type ErrorCode, type FieldError, FieldErrorSchema, problemType } from '../errors.ts';

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

/** A JSON response declaration for `createRoute` (`200: json(SkillSchema, 'The skill')`). */
export const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
