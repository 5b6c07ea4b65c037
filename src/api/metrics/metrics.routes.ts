import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses } from '../problem.ts';

export const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['Operations'],
  summary: 'Prometheus metrics of this replica (admin token, or METRICS_TOKEN)',
  description:
    'Prometheus text format: runs by status, run duration, memory peaks, artifacts, queue depth and wait, sandbox ' +
    'worker restarts, HTTP request duration by route, event-loop lag and the process defaults. Readable with an ' +
    "admin's token of any organisation or with METRICS_TOKEN; with METRICS_PORT it is also served on that port.",
  responses: {
    200: {
      description: 'Metrics',
      content: {
        'text/plain': { schema: z.string().openapi({ example: 'open_skills_runs_total{status="succeeded"} 3' }) },
      },
    },
    ...errorResponses,
  },
});

export type MetricsRoute = typeof metrics;
