import { createRouter } from '../router.ts';
import * as handlers from './search.handlers.ts';
import * as routes from './search.routes.ts';

/** The skill router's endpoints; mounted before the skills routes so `/skills/search` is never read as a skill. */
export const searchRouter = createRouter()
  .openapi(routes.search, handlers.search)
  .openapi(routes.select, handlers.select);
