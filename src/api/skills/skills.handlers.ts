import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../context.ts';
import { isMultipart, readBundleParts } from '../multipart.ts';
import type {
  CreateRoute,
  GetRoute,
  ListRoute,
  ListVersionsRoute,
  RemoveRoute,
  UpdateRoute,
  UploadVersionRoute,
} from './skills.routes.ts';

/** POST /skills: JSON creates an empty skill; multipart creates a skill and its first version from a bundle. */
export const create: RouteHandler<CreateRoute, AppEnv> = async (c) => {
  const { registry } = c.var.services;
  const body = isMultipart(c) ? c.req.valid('form') : c.req.valid('json');
  if ('skill' in body) return c.json(await registry.createSkill(c.var.caller, body.skill), 201);
  const { upload } = body;
  const result = await registry.createSkillFromBundle(c.var.caller, await readBundleParts(upload), {
    publish: upload.publish,
    visibility: upload.visibility ?? 'org',
    version: upload.version,
  });
  return c.json(result, 201);
};

export const list: RouteHandler<ListRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.registry.listSkills(c.var.caller, c.req.valid('query')), 200);

export const get: RouteHandler<GetRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { include } = c.req.valid('query');
  return c.json(await c.var.services.registry.getSkill(c.var.caller, id, include === 'instructions'), 200);
};

export const update: RouteHandler<UpdateRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.registry.updateSkill(c.var.caller, c.req.valid('param').id, c.req.valid('json')), 200);

export const remove: RouteHandler<RemoveRoute, AppEnv> = async (c) => {
  await c.var.services.registry.deleteSkill(c.var.caller, c.req.valid('param').id);
  return c.body(null, 204);
};

export const listVersions: RouteHandler<ListVersionsRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.registry.listVersions(c.var.caller, c.req.valid('param').id, c.req.valid('query')), 200);

export const uploadVersion: RouteHandler<UploadVersionRoute, AppEnv> = async (c) => {
  const upload = c.req.valid('form');
  const bundle = await readBundleParts(upload);
  const result = await c.var.services.registry.uploadVersion(c.var.caller, c.req.valid('param').id, bundle, {
    publish: upload.publish,
    version: upload.version,
  });
  return result.outcome === 'unchanged' ? c.json(result, 200) : c.json(result, 201);
};
