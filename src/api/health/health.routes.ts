import { createRoute, z } from '@hono/zod-openapi';
import { ProblemSchema } from '../problem.ts';

export const HealthSchema = z
  .object({
    status: z.enum(['ok']).openapi({ description: 'Always "ok" when the process answers', example: 'ok' }),
  })
  .openapi('Health');

export const ReadinessSchema = z
  .object({
    status: z.enum(['ready', 'not_ready']).openapi({ description: 'Whether the server can serve', example: 'ready' }),
    database: z.enum(['postgres', 'pglite']).openapi({ description: 'Database backend', example: 'pglite' }),
    pending_migrations: z
      .array(z.string())
      .openapi({ description: 'Migrations not applied yet', example: [] as string[] }),
    draining: z
      .boolean()
      .optional()
      .openapi({ description: 'True while the server shuts down (SIGTERM): it finishes its runs, takes no new work' }),
  })
  .openapi('Readiness');

export const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['Health'],
  summary: 'Liveness: the process is up',
  security: [],
  responses: { 200: { description: 'Up', content: { 'application/json': { schema: HealthSchema } } } },
});

export const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['Health'],
  summary: 'Readiness: the database is reachable and migrated, and the server is not shutting down',
  security: [],
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: ReadinessSchema } } },
    503: {
      description: 'Not ready',
      content: {
        'application/json': { schema: ReadinessSchema },
        'application/problem+json': { schema: ProblemSchema },
      },
    },
  },
});

export type HealthzRoute = typeof healthz;
export type ReadyzRoute = typeof readyz;
