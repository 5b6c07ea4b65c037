import { IMPORT_LIMITS } from '../../skills/import.ts';
import type { BodyLimitRule } from '../body-limit.ts';
import { createRouter } from '../router.ts';
import * as handlers from './imports.handlers.ts';
import * as routes from './imports.routes.ts';

/** Routes of this router that take more than the default body limit (applied by `bodyLimits` in app.ts). */
export const importsBodyLimits: BodyLimitRule[] = [
  { method: 'POST', path: '/skills/import', maxBytes: IMPORT_LIMITS.maxArchiveBytes, what: 'The archive' },
];

export const importsRouter = createRouter();
importsRouter.openapi(routes.importSkills, handlers.importArchive);
