import { createRouter } from '../../router.ts';
import { openaiErrors } from '../errors.ts';
import { compatAuth } from '../shared.ts';
import * as handlers from './openai.handlers.ts';
import * as routes from './openai.routes.ts';

/**
 * OpenAI's Skills API, mounted at /compat/openai/v1 (before the app's bearer auth, so that its errors, a missing
 * token included, come in OpenAI's envelope).
 */
export const openaiRouter = createRouter();
openaiRouter.use('*', ...compatAuth());
openaiRouter.onError(openaiErrors.onError);
openaiRouter
  .openapi(routes.create, handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.update, handlers.update)
  .openapi(routes.remove, handlers.remove)
  .openapi(routes.content, handlers.content)
  .openapi(routes.createVersion, handlers.createVersion)
  .openapi(routes.listVersions, handlers.listVersions)
  .openapi(routes.getVersion, handlers.getVersion)
  .openapi(routes.removeVersion, handlers.removeVersion)
  .openapi(routes.versionContent, handlers.versionContent);
