import { createRoute, z } from '@hono/zod-openapi';
import { AuditOutcomeSchema, AuditPageSchema } from '../../audit/schemas.ts';
import { CursorQuery } from '../../skills/schemas.ts';
import { errorResponses, json } from '../problem.ts';

const time = (description: string) =>
  z.string().datetime({ offset: true }).optional().openapi({ description, example: '2026-11-24T00:00:00Z' });

export const list = createRoute({
  method: 'get',
  path: '/audit',
  tags: ['Audit'],
  summary: "The organisation's audit trail, newest first (admin)",
  description:
    'Every state change (skills, versions, members, tokens, secrets), every run start and cancel, every refused ' +
    'login and every request refused with 403, with actor, target, time, request id and outcome.',
  request: {
    query: z.object({
      actor: z.string().max(256).optional().openapi({ description: 'Only this actor', example: 'alice' }),
      action: z
        .string()
        .max(128)
        .optional()
        .openapi({ description: 'Only this action, or a prefix ending in * (token.*)', example: 'version.*' }),
      target: z.string().max(256).optional().openapi({ description: 'Only this target id', example: 'GITHUB_TOKEN' }),
      outcome: AuditOutcomeSchema.optional(),
      since: time('Only entries at or after this time'),
      until: time('Only entries before this time'),
      ...CursorQuery,
    }),
  },
  responses: { 200: json(AuditPageSchema, 'A page of entries'), ...errorResponses },
});

export type ListRoute = typeof list;
