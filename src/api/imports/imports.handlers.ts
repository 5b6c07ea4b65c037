import type { RouteHandler } from '@hono/zod-openapi';
import { requireRole } from '../../auth/caller.ts';
import { extractArchive } from '../../skills/archive.ts';
import { IMPORT_LIMITS, importSkills } from '../../skills/import.ts';
import type { AppEnv } from '../context.ts';
import type { ImportRoute } from './imports.routes.ts';

export const importArchive: RouteHandler<ImportRoute, AppEnv> = async (c) => {
  const form = c.req.valid('form');
  requireRole(c.var.caller, form.publish ? 'publisher' : 'author', 'import skills');
  const files = await extractArchive(new Uint8Array(await form.archive.arrayBuffer()), IMPORT_LIMITS.archive);
  const result = await importSkills(c.var.services.registry, c.var.caller, files, {
    publish: form.publish,
    visibility: form.visibility ?? 'org',
  });
  return c.json(result, 200);
};
