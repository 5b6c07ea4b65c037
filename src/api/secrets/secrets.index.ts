import { MAX_SECRET_BYTES } from '../../secrets/service.ts';
import { limitBody } from '../body-limit.ts';
import { createRouter } from '../router.ts';
import * as handlers from './secrets.handlers.ts';
import * as routes from './secrets.routes.ts';

// A value of MAX_SECRET_BYTES characters, JSON-escaped in the worst case, and its envelope.
const limit = limitBody(6 * MAX_SECRET_BYTES + 1024);

export const secretsRouter = createRouter();
secretsRouter.use('/orgs/:org/secrets/*', limit);
secretsRouter.use('/secrets/*', limit);
secretsRouter
  .openapi(routes.put, handlers.put)
  .openapi(routes.list, handlers.list)
  .openapi(routes.remove, handlers.remove)
  .openapi(routes.legacyPut, handlers.put)
  .openapi(routes.legacyList, handlers.list)
  .openapi(routes.legacyRemove, handlers.remove);
