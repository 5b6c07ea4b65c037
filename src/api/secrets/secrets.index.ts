import { createRouter } from '../router.ts';
import * as handlers from './secrets.handlers.ts';
import * as routes from './secrets.routes.ts';

export const secretsRouter = createRouter()
  .openapi(routes.put, handlers.put)
  .openapi(routes.list, handlers.list)
  .openapi(routes.remove, handlers.remove);
