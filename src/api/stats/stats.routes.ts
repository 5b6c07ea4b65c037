import { createRoute, z } from '@hono/zod-openapi';
import { MAX_OVERVIEW_HOURS, StatsOverviewSchema } from '../../stats/overview.ts';
import { errorResponses } from '../problem.ts';

export const StatsQuerySchema = z.object({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_OVERVIEW_HOURS)
    .default(24)
    .openapi({
      description: `Hours the window covers, the current one included (1-${MAX_OVERVIEW_HOURS})`,
      example: 24,
    }),
});

export const stats = createRoute({
  method: 'get',
  path: '/stats',
  tags: ['Operations'],
  summary: 'Runs per hour, latency, success and failure rates, artifacts (of the runs the caller may see)',
  request: { query: StatsQuerySchema },
  responses: {
    200: { description: 'Figures', content: { 'application/json': { schema: StatsOverviewSchema } } },
    ...errorResponses,
  },
});

export type StatsRoute = typeof stats;
