import { limitBody } from '../body-limit.ts';
import { createRouter } from '../router.ts';
import * as handlers from './triggers.handlers.ts';
import * as routes from './triggers.routes.ts';

export const triggersRouter = createRouter();
// At most 200 requests of 2,000 characters each, as JSON.
triggersRouter.use('/skills/:id/triggers', limitBody(512 * 1024));
triggersRouter.openapi(routes.run, handlers.run);
