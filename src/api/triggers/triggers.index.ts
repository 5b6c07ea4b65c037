import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../errors.ts';
import { createRouter } from '../router.ts';
import * as handlers from './triggers.handlers.ts';
import * as routes from './triggers.routes.ts';

/** 200 requests of at most 2,000 characters each, as JSON. */
const TRIGGERS_BODY_LIMIT = 512 * 1024;

export const triggersRouter = createRouter();
triggersRouter.use(
  '/skills/:id/triggers',
  bodyLimit({
    maxSize: TRIGGERS_BODY_LIMIT,
    onError: () => {
      throw new AppError('payload_too_large', `The body is larger than ${TRIGGERS_BODY_LIMIT / 1024} KB`);
    },
  }),
);
triggersRouter.openapi(routes.run, handlers.run);
