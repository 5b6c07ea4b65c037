import { createRouter } from '../router.ts';
import * as handlers from './metrics.handlers.ts';
import * as routes from './metrics.routes.ts';

/** Mounted before the bearer-token middleware: the metrics token is not a JWT. */
export const metricsRouter = createRouter().openapi(routes.metrics, handlers.metrics);
