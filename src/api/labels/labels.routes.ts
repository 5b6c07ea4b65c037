import { createRoute, z } from '@hono/zod-openapi';
import { SkillRefParam } from '../../skills/schemas.ts';
import { conflictResponse, errorResponses, json } from '../problem.ts';

const LabelParams = SkillRefParam.extend({
  label: z
    .string()
    .min(1)
    .max(64)
    .openapi({ description: 'Label name', example: 'production', param: { name: 'label', in: 'path' } }),
});

export const LabelSchema = z
  .object({
    label: z.string().openapi({ description: 'Label name', example: 'production' }),
    version: z.string().openapi({ description: 'The version it points at', example: '1.2.0' }),
    version_id: z.string().uuid().openapi({ description: 'Its id', example: '019a8a47-8000-7000-9000-000000000001' }),
  })
  .openapi('Label');

export const put = createRoute({
  method: 'put',
  path: '/skills/{id}/labels/{label}',
  tags: ['Versions'],
  summary: 'Point a label at a published version, creating or moving it (publisher role)',
  description:
    'Runs, reads and downloads accept the label wherever they accept a version. `version` may itself be a label ' +
    '(`{"version": "staging"}` promotes what staging points at) or "latest".',
  request: {
    params: LabelParams,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              version: z.string().min(1).max(128).openapi({
                description: 'A semantic version, another label, or "latest"',
                example: '1.2.0',
              }),
            })
            .strict()
            .openapi('SetLabel'),
        },
      },
    },
  },
  responses: { 200: json(LabelSchema, 'The label'), ...errorResponses, ...conflictResponse },
});

export const remove = createRoute({
  method: 'delete',
  path: '/skills/{id}/labels/{label}',
  tags: ['Versions'],
  summary: 'Remove a label (publisher role)',
  request: { params: LabelParams },
  responses: { 204: { description: 'Removed' }, ...errorResponses },
});

export type PutRoute = typeof put;
export type RemoveRoute = typeof remove;
