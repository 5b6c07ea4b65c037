import type { BodyLimitRule } from '../body-limit.ts';
import { createRouter, perContentType } from '../router.ts';
import * as handlers from './runs.handlers.ts';
import * as routes from './runs.routes.ts';

/** Run requests with their files are refused past this size before they are read. */
export const MAX_RUN_REQUEST_BYTES = 32 * 1024 * 1024;

/** Routes of this router that take more than the default body limit (applied by `bodyLimits` in app.ts). */
export const runsBodyLimits: BodyLimitRule[] = [
  { method: 'POST', path: '/runs', maxBytes: MAX_RUN_REQUEST_BYTES, what: 'The run request' },
];

export const runsRouter = createRouter();
runsRouter
  .openapi(perContentType(runsRouter, routes.create), handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.cancel, handlers.cancel)
  .openapi(routes.events, handlers.events)
  .openapi(routes.artifacts, handlers.artifacts)
  .openapi(routes.skillRuns, handlers.skillRuns);
