import type { RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import type { AppEnv } from '../context.ts';
import { fieldErrors } from '../problem.ts';
import type {
  GetRoute,
  ListRoute,
  ListVersionsRoute,
  RemoveRoute,
  UpdateRoute,
  UploadVersionRoute,
} from './skills.routes.ts';
import { CreateSkillBodySchema } from './skills.routes.ts';
import { readUploadForm } from './upload.ts';

/** POST /skills: JSON creates an empty skill; multipart creates a skill and its first version from a bundle. */
export async function create(c: Context<AppEnv>) {
  const { registry } = c.var.services;
  if ((c.req.header('content-type') ?? '').startsWith('multipart/form-data')) {
    const form = await readUploadForm(c);
    const result = await registry.createSkillFromBundle(c.var.caller, form.bundle, {
      publish: form.publish,
      visibility: form.visibility ?? 'org',
      version: form.version,
    });
    return c.json(result, 201);
  }
  const parsed = CreateSkillBodySchema.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) {
    throw new AppError('invalid_request', 'The request body is not valid', {
      errors: fieldErrors(parsed.error.issues, 'body'),
    });
  }
  return c.json(await registry.createSkill(c.var.caller, parsed.data), 201);
}

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
  const form = await readUploadForm(c);
  const result = await c.var.services.registry.uploadVersion(c.var.caller, c.req.valid('param').id, form.bundle, {
    publish: form.publish,
    version: form.version,
  });
  return c.json(result, 201);
};
