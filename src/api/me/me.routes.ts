import { createRoute, z } from '@hono/zod-openapi';
import { RoleSchema } from '../../auth/caller.ts';
import { errorResponses } from '../problem.ts';

export const CallerSchema = z
  .object({
    user_id: z.string().openapi({ description: 'The token subject', example: 'user_42' }),
    org_id: z.string().openapi({ description: 'The organisation the token acts in', example: 'acme' }),
    role: RoleSchema,
    token_id: z
      .string()
      .openapi({ description: 'The token id (jti)', example: '019a8a47-7d8e-7c3b-9a53-1f0d2b3c4d5e' }),
  })
  .openapi('Caller');

export const me = createRoute({
  method: 'get',
  path: '/me',
  tags: ['Auth'],
  summary: 'Who the token identifies',
  responses: {
    200: { description: 'The caller', content: { 'application/json': { schema: CallerSchema } } },
    ...errorResponses,
  },
});

export type MeRoute = typeof me;
