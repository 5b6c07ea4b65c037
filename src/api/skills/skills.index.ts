import { createRouter, limitBody, perContentType } from '../router.ts';
import * as handlers from './skills.handlers.ts';
import * as routes from './skills.routes.ts';

/** Uploads are refused past this size before they are read; archives are checked again once unpacked. */
export const MAX_UPLOAD_BYTES = 32 * 1024 * 1024;

const uploadLimit = limitBody(MAX_UPLOAD_BYTES, 'The upload');

export const skillsRouter = createRouter();
skillsRouter.use('/skills', async (c, next) => (c.req.method === 'POST' ? uploadLimit(c, next) : next()));
skillsRouter.use('/skills/:id/versions', async (c, next) => (c.req.method === 'POST' ? uploadLimit(c, next) : next()));
skillsRouter
  .openapi(perContentType(skillsRouter, routes.create), handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.update, handlers.update)
  .openapi(routes.remove, handlers.remove)
  .openapi(routes.listVersions, handlers.listVersions)
  .openapi(perContentType(skillsRouter, routes.uploadVersion), handlers.uploadVersion);
