import { limitBody } from '../body-limit.ts';
import { createRouter } from '../router.ts';
import * as handlers from './labels.handlers.ts';
import * as routes from './labels.routes.ts';

export const labelsRouter = createRouter();
// A label body is one short field.
labelsRouter.use('/skills/:id/labels/:label', limitBody(4 * 1024));
labelsRouter.openapi(routes.put, handlers.put).openapi(routes.remove, handlers.remove);
