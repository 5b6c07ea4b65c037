import { createRouter } from '../router.ts';
import * as handlers from './health.handlers.ts';
import * as routes from './health.routes.ts';

export const healthRouter = createRouter()
  .openapi(routes.healthz, handlers.healthz)
  .openapi(routes.readyz, handlers.readyz);
