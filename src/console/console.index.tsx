/**
 * The web console at /console: server-rendered pages (views/) over the same services as the API, htmx for partial
 * updates, a session cookie instead of a bearer token. Every answer carries a strict Content-Security-Policy; every
 * POST passes a body limit, the session and a CSRF check.
 */
import { Hono } from 'hono';
import { recordDenied } from '../api/audit/audit.handlers.ts';
import type { AppDeps } from '../api/context.ts';
import { AppError } from '../errors.ts';
import { adminPages } from './admin.pages.tsx';
import { serveAsset } from './assets.ts';
import { authRoutes } from './auth.tsx';
import { authoringPages } from './authoring.pages.tsx';
import type { ConsoleEnv } from './context.ts';
import { dashboardPages } from './dashboard.pages.tsx';
import { consoleHeaders, requireSession } from './middleware.tsx';
import { errorPage, onConsoleError } from './render.tsx';
import { runsPages } from './runs.pages.tsx';
import { skillsPages } from './skills.pages.tsx';
import { tryPages } from './try.pages.tsx';

/** `deps.publicUrl` is read per request: the OpenAPI build creates the app with no dependencies at all. */
export function consoleRouter(deps: Pick<AppDeps, 'publicUrl'>) {
  const router = new Hono<ConsoleEnv>();
  router.onError(onConsoleError);
  router.use('*', consoleHeaders);
  router.use('*', async (c, next) => {
    c.set('publicUrl', deps.publicUrl);
    await next();
  });
  router.get('/assets/:name', serveAsset);
  authRoutes(router);

  // Everything below needs a session.
  router.use('*', requireSession);
  // A console action refused with 403 is in the audit trail, as the API's are.
  router.use('*', recordDenied);
  dashboardPages(router);
  // Authoring first: /skills/new is a page of its own, not a skill named "new".
  authoringPages(router);
  skillsPages(router);
  tryPages(router);
  runsPages(router);
  adminPages(router);
  router.all('*', (c) => errorPage(c, new AppError('not_found', `No console page at ${c.req.path}`)));
  return router;
}
