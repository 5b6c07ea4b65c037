import { IMPORT_LIMITS } from '../../skills/import.ts';
import { createRouter, limitBody } from '../router.ts';
import * as handlers from './imports.handlers.ts';
import * as routes from './imports.routes.ts';

export const importsRouter = createRouter();
importsRouter.use('/skills/import', limitBody(IMPORT_LIMITS.maxArchiveBytes, 'The archive'));
importsRouter.openapi(routes.importSkills, handlers.importArchive);
