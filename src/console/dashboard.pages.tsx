/** The dashboard page: figures from the stats module and the latest runs. */
import type { Hono } from 'hono';
import { Dashboard } from '../../views/dashboard.tsx';
import { AppError } from '../errors.ts';
import type { ConsoleEnv } from './context.ts';
import { page } from './render.tsx';

export function dashboardPages(router: Hono<ConsoleEnv>) {
  router.get('/', async (c) => {
    const { stats } = c.var.services;
    const recentRuns = async () => {
      try {
        return (await c.var.services.runs.list(c.var.caller, { limit: 10 })).data;
      } catch (error) {
        // A server built without a sandbox has no runs service; the dashboard still shows the rest.
        if (error instanceof AppError && error.code === 'unavailable') return null;
        throw error;
      }
    };
    const [overview, recent] = await Promise.all([stats.overview(c.var.caller, { hours: 24 }), recentRuns()]);
    return page(c, { title: 'Dashboard', section: 'dashboard' }, <Dashboard overview={overview} recent={recent} />);
  });
}
