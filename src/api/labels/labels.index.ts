import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../errors.ts';
import { createRouter } from '../router.ts';
import * as handlers from './labels.handlers.ts';
import * as routes from './labels.routes.ts';

/** A label body is one short field. */
const LABEL_BODY_LIMIT = 4 * 1024;

export const labelsRouter = createRouter();
labelsRouter.use(
  '/skills/:id/labels/:label',
  bodyLimit({
    maxSize: LABEL_BODY_LIMIT,
    onError: () => {
      throw new AppError('payload_too_large', `The body is larger than ${LABEL_BODY_LIMIT / 1024} KB`);
    },
  }),
);
labelsRouter.openapi(routes.put, handlers.put).openapi(routes.remove, handlers.remove);
