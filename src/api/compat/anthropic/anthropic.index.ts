import { createRouter } from '../../router.ts';
import { anthropicErrors } from '../errors.ts';
import { compatAuth } from '../shared.ts';
import * as handlers from './anthropic.handlers.ts';
import * as routes from './anthropic.routes.ts';

/**
 * Anthropic's Skills API, mounted at /compat/anthropic/v1 (before the app's bearer auth: it takes the token in
 * `x-api-key` too, and answers errors in Anthropic's envelope).
 */
export const anthropicRouter = createRouter();
anthropicRouter.use('*', ...compatAuth('x-api-key'));
anthropicRouter.onError(anthropicErrors.onError);
anthropicRouter
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.remove, handlers.remove)
  .openapi(routes.createVersion, handlers.createVersion)
  .openapi(routes.listVersions, handlers.listVersions)
  .openapi(routes.getVersion, handlers.getVersion)
  .openapi(routes.removeVersion, handlers.removeVersion)
  .openapi(routes.versionContent, handlers.versionContent);
