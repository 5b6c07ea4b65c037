import { createRoute, z } from '@hono/zod-openapi';
import { MAX_SECRET_BYTES, SECRET_NAME } from '../../runs/secrets.ts';
import { errorResponses, json } from '../problem.ts';

export const SecretInfoSchema = z
  .object({
    name: z.string().openapi({ description: 'Secret name, as skills declare it', example: 'GITHUB_TOKEN' }),
    created_at: z.string().openapi({ description: 'When it was first stored', example: '2026-11-24T08:00:00.000Z' }),
    updated_at: z.string().openapi({ description: 'When its value last changed', example: '2026-11-24T08:00:00.000Z' }),
  })
  .openapi('SecretInfo');

const NameParam = z.object({
  name: z
    .string()
    .regex(SECRET_NAME, 'letters, digits and _, not starting with a digit')
    .openapi({ description: 'Secret name', example: 'GITHUB_TOKEN', param: { name: 'name', in: 'path' } }),
});

export const put = createRoute({
  method: 'put',
  path: '/secrets/{name}',
  tags: ['Secrets'],
  summary: 'Store or replace an organisation secret (admin); it is encrypted at rest and never returned',
  request: {
    params: NameParam,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              value: z
                .string()
                .min(1)
                .max(MAX_SECRET_BYTES)
                .openapi({ description: 'The secret value', example: 'ghp_example' }),
            })
            .strict()
            .openapi('PutSecret'),
        },
      },
    },
  },
  responses: { 200: json(SecretInfoSchema, 'Stored'), ...errorResponses },
});

export const list = createRoute({
  method: 'get',
  path: '/secrets',
  tags: ['Secrets'],
  summary: "List the organisation's secret names (admin); values are never returned",
  responses: {
    200: json(z.object({ data: z.array(SecretInfoSchema) }).openapi('SecretList'), 'Secret names'),
    ...errorResponses,
  },
});

export const remove = createRoute({
  method: 'delete',
  path: '/secrets/{name}',
  tags: ['Secrets'],
  summary: 'Delete a secret (admin)',
  request: { params: NameParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses },
});

export type PutRoute = typeof put;
export type ListRoute = typeof list;
export type RemoveRoute = typeof remove;
