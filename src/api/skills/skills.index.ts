import type { BodyLimitRule } from '../body-limit.ts';
import { createRouter, perContentType } from '../router.ts';
import * as handlers from './skills.handlers.ts';
import * as routes from './skills.routes.ts';

/** Uploads are refused past this size before they are read; archives are checked again once unpacked. */
export const MAX_UPLOAD_BYTES = 32 * 1024 * 1024;

/** Routes of this router that take more than the default body limit (applied by `bodyLimits` in app.ts). */
export const skillsBodyLimits: BodyLimitRule[] = [
  { method: 'POST', path: '/skills', maxBytes: MAX_UPLOAD_BYTES, what: 'The upload' },
  { method: 'POST', path: '/skills/:id/versions', maxBytes: MAX_UPLOAD_BYTES, what: 'The upload' },
];

export const skillsRouter = createRouter();
skillsRouter
  .openapi(perContentType(skillsRouter, routes.create), handlers.create)
  .openapi(routes.list, handlers.list)
  .openapi(routes.get, handlers.get)
  .openapi(routes.update, handlers.update)
  .openapi(routes.remove, handlers.remove)
  .openapi(routes.listVersions, handlers.listVersions)
  .openapi(perContentType(skillsRouter, routes.uploadVersion), handlers.uploadVersion);
