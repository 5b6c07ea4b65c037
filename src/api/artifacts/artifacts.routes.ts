import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../problem.ts';

const binary = z.any().openapi({ type: 'string', format: 'binary' });
const problem = {
  description: 'The Range cannot be served; Content-Range names the size',
  content: { 'application/problem+json': { schema: z.any() } },
};

export const get = createRoute({
  method: 'get',
  path: '/artifacts/{id}',
  tags: ['Artifacts'],
  summary: 'Download an artifact (Content-Type, Content-Length, ETag = sha256, single byte Range)',
  request: {
    params: z.object({
      id: z
        .string()
        .uuid()
        .openapi({
          description: 'Artifact id',
          example: '019a8a47-9000-7000-9000-000000000001',
          param: { name: 'id', in: 'path' },
        }),
    }),
    headers: z.object({
      range: z
        .string()
        .optional()
        .openapi({ description: 'One byte range, e.g. bytes=0-99, bytes=100- or bytes=-100', example: 'bytes=0-99' }),
    }),
  },
  responses: {
    200: { description: 'The whole file', content: { 'application/octet-stream': { schema: binary } } },
    206: { description: 'The requested range', content: { 'application/octet-stream': { schema: binary } } },
    304: { description: 'Not modified (If-None-Match)' },
    ...errorResponses,
    416: problem,
  },
});

export type GetRoute = typeof get;
