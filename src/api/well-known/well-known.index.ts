/**
 * The well-known skills index (the Agent Skills discovery format) that installers such as `npx skills add <server>`
 * read: the latest published version of each `public` skill, without a token. The root paths serve the
 * organisation PUBLIC_SKILLS_ORG names; `/orgs/{org}/...` serves any organisation's. `/.well-known/skills/` is the
 * legacy name of `/.well-known/agent-skills/`.
 */
import { createRouter } from '../router.ts';
import * as handlers from './well-known.handlers.ts';
import * as routes from './well-known.routes.ts';

export const DEFAULT_PUBLIC_ORG = 'default';

const ROOTS = ['agent-skills', 'skills'];

export function wellKnownRouter(rootOrg: string) {
  const router = createRouter();
  for (const route of [routes.index, routes.file, routes.orgIndex, routes.orgFile]) {
    router.openAPIRegistry.registerPath(route);
  }
  for (const root of ROOTS) {
    const base = `/.well-known/${root}`;
    router.get(`${base}/index.json`, (c) => handlers.index(c, rootOrg));
    router.get(`/orgs/:org${base}/index.json`, (c) => handlers.index(c, c.req.param('org')));
    // File paths contain slashes: the rest of the path after the base, split by the handler.
    router.get(`${base}/*`, (c) => handlers.file(c, rootOrg, c.req.path.slice(base.length + 1)));
    router.get(`/orgs/:org${base}/*`, (c) => {
      const org = c.req.param('org');
      return handlers.file(c, org, c.req.path.slice(`/orgs/${org}${base}/`.length));
    });
  }
  return router;
}
