import { limitBody, SMALL_JSON_BYTES } from '../body-limit.ts';
import { createRouter } from '../router.ts';
import * as handlers from './tokens.handlers.ts';
import * as routes from './tokens.routes.ts';

export const tokensRouter = createRouter();
tokensRouter.use('/tokens', limitBody(SMALL_JSON_BYTES));
tokensRouter.use('/tokens/*', limitBody(SMALL_JSON_BYTES));
tokensRouter
  .openapi(routes.issue, handlers.issue)
  .openapi(routes.list, handlers.list)
  .openapi(routes.revoke, handlers.revoke);
