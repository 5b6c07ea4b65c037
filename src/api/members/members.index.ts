import { limitBody, SMALL_JSON_BYTES } from '../body-limit.ts';
import { createRouter } from '../router.ts';
import * as handlers from './members.handlers.ts';
import * as routes from './members.routes.ts';

export const membersRouter = createRouter();
membersRouter.use('/orgs/:org/members/*', limitBody(SMALL_JSON_BYTES));
membersRouter
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.put, handlers.put)
  .openapi(routes.remove, handlers.remove);
