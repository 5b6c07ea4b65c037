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
    starting: z.array(z.string()).openapi({
      description: 'Start-up work still running, such as `example_skills` (loading the examples on a first start)',
      example: [] as string[],
    }),
    runs_unavailable: z
      .string()
      .optional()
      .openapi({
        description:
          'Present when this server cannot run skills, saying why (the API on Deno found no Node.js 22+ for its ' +
          'sandbox workers); everything else is served, and POST /runs answers 503 with the same reason',
        example: 'Runs are unavailable on this server: no `node` on PATH and NODE_BINARY is unset; ...',
      }),
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
  summary:
    'Readiness: the database is reachable and migrated, start-up work (example skills) is done, and the server is not shutting down',
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
