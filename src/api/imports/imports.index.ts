import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../errors.ts';
import { IMPORT_LIMITS } from '../../skills/import.ts';
import { createRouter } from '../router.ts';
import * as handlers from './imports.handlers.ts';
import * as routes from './imports.routes.ts';

export const importsRouter = createRouter();
importsRouter.use(
  '/skills/import',
  bodyLimit({
    maxSize: IMPORT_LIMITS.maxArchiveBytes,
    onError: () => {
      throw new AppError(
        'payload_too_large',
        `The archive is larger than ${IMPORT_LIMITS.maxArchiveBytes / 1024 / 1024} MB`,
      );
    },
  }),
);
importsRouter.openapi(routes.importSkills, handlers.importArchive);
