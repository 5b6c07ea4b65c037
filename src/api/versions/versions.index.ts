import { createRouter } from '../router.ts';
import * as handlers from './versions.handlers.ts';
import * as routes from './versions.routes.ts';

export const versionsRouter = createRouter();
versionsRouter.openAPIRegistry.registerPath(routes.file);
versionsRouter.get('/skill-versions/:id/files/*', handlers.file);
versionsRouter
  .openapi(routes.get, handlers.get)
  .openapi(routes.publish, handlers.publish)
  .openapi(routes.deprecate, handlers.deprecate)
  .openapi(routes.content, handlers.content)
  .openapi(routes.getByRef, handlers.getByRef)
  .openapi(routes.contentByRef, handlers.contentByRef)
  .openapi(routes.setPrompt, handlers.setPrompt)
  .openapi(routes.skillPrompt, handlers.skillPrompt);
