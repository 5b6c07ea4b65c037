import { createRouter } from '../router.ts';
import * as handlers from './artifacts.handlers.ts';
import * as routes from './artifacts.routes.ts';

export const artifactsRouter = createRouter().openapi(routes.get, handlers.get);
