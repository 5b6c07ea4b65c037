import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../errors.ts';
import { createRouter, perContentType } from '../router.ts';
import * as handlers from './runs.handlers.ts';
import * as routes from './runs.routes.ts';

/** Run requests with their files are refused past this size before they are read. */
export const MAX_RUN_REQUEST_BYTES = 32 * 1024 * 1024;

export const runsRouter = createRouter();
runsRouter.use(
  '/runs',
  bodyLimit({
    maxSize: MAX_RUN_REQUEST_BYTES,
    onError: () => {
      throw new AppError(
        'payload_too_large',
        `The run request is larger than ${MAX_RUN_REQUEST_BYTES / 1024 / 1024} MB`,
      );
    },
  }),
);
runsRouter
  .openapi(perContentType(runsRouter, routes.create), handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.cancel, handlers.cancel)
  .openapi(routes.events, handlers.events)
  .openapi(routes.artifacts, handlers.artifacts)
  .openapi(routes.skillRuns, handlers.skillRuns);
