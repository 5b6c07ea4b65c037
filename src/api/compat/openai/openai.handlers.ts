import type { RouteHandler } from '@hono/zod-openapi';
import { requireRole } from '../../../auth/caller.ts';
import { encodeCursor, type Page } from '../../../db/pagination.ts';
import { iso } from '../../../schemas.ts';
import type { SkillSummary } from '../../../skills/schemas.ts';
import type { AppEnv } from '../../context.ts';
import { versionZipResponse } from '../../versions/versions.handlers.ts';
import {
  deleteVersionOf,
  findVersionOf,
  publishesOnUpload,
  readUpload,
  unixSeconds,
  type VersionLike,
} from '../shared.ts';
import type {
  ContentRoute,
  CreateRoute,
  CreateVersionRoute,
  GetRoute,
  GetVersionRoute,
  ListRoute,
  ListVersionsRoute,
  RemoveRoute,
  RemoveVersionRoute,
  UpdateRoute,
  VersionContentRoute,
} from './openai.routes.ts';

/** OpenAI's `default_version` is the version this label points at (the first version, until moved). */
export const DEFAULT_LABEL = 'default';

/** A registry skill as OpenAI's `skill` object. */
export const toOpenAISkill = (skill: SkillSummary) => ({
  object: 'skill' as const,
  id: skill.id,
  name: skill.name,
  description: skill.description,
  created_at: unixSeconds(skill.created_at),
  default_version: skill.labels[DEFAULT_LABEL] ?? skill.latest_version,
  latest_version: skill.latest_version,
});

/** A registry version as OpenAI's `skill.version` object. */
export const toOpenAIVersion = (version: VersionLike) => ({
  object: 'skill.version' as const,
  id: version.id,
  skill_id: version.skill_id,
  name: version.name,
  description: version.description,
  version: version.version,
  created_at: unixSeconds(version.created_at),
});

/** Our page as OpenAI's list (`first_id`, `last_id`, `has_more`; the next page is `after=last_id`). */
const toOpenAIList = <R, T extends { id: string }>(page: Page<R>, map: (row: R) => T) => {
  const data = page.data.map(map);
  return {
    object: 'list' as const,
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: page.next_cursor !== null,
  };
};

/** OpenAI pages continue after an item's id; ours after a (created_at, id) cursor, which that item gives. */
const cursorAfter = (item?: { id: string; created_at: Date | string }) =>
  item ? encodeCursor({ createdAt: iso(item.created_at), id: item.id }) : undefined;

export const create: RouteHandler<CreateRoute, AppEnv> = async (c) => {
  const { caller, services } = c.var;
  const { registry } = services;
  const publish = publishesOnUpload(caller);
  const result = await registry.createSkillFromBundle(caller, await readUpload(c.req.valid('form')), {
    publish,
    visibility: 'org',
  });
  if (publish) await registry.setLabel(caller, result.skill.id, DEFAULT_LABEL, result.version.version);
  return c.json(toOpenAISkill(await registry.getSkill(caller, result.skill.id, false)), 200);
};

export const list: RouteHandler<ListRoute, AppEnv> = async (c) => {
  const { caller, services } = c.var;
  const { limit, after, order } = c.req.valid('query');
  const cursor = cursorAfter(after ? await services.registry.findSkill(caller, after) : undefined);
  const page = await services.registry.listSkills(caller, { cursor, limit, order });
  return c.json(toOpenAIList(page, toOpenAISkill), 200);
};

export const get: RouteHandler<GetRoute, AppEnv> = async (c) =>
  c.json(
    toOpenAISkill(await c.var.services.registry.getSkill(c.var.caller, c.req.valid('param').skill_id, false)),
    200,
  );

export const update: RouteHandler<UpdateRoute, AppEnv> = async (c) => {
  const { caller, services } = c.var;
  const skill = await services.registry.findSkill(caller, c.req.valid('param').skill_id);
  await services.registry.setLabel(caller, skill.id, DEFAULT_LABEL, c.req.valid('json').default_version);
  return c.json(toOpenAISkill(await services.registry.getSkill(caller, skill.id, false)), 200);
};

export const remove: RouteHandler<RemoveRoute, AppEnv> = async (c) => {
  const { registry } = c.var.services;
  const skill = await registry.findSkill(c.var.caller, c.req.valid('param').skill_id);
  await registry.deleteSkill(c.var.caller, skill.id);
  return c.json({ id: skill.id, object: 'skill.deleted' as const, deleted: true }, 200);
};

export const content: RouteHandler<ContentRoute, AppEnv> = async (c) => {
  const { registry } = c.var.services;
  const skill = await registry.getSkill(c.var.caller, c.req.valid('param').skill_id, false);
  const { versionId } = await registry.resolveVersion(c.var.caller, skill.id, skill.labels[DEFAULT_LABEL]);
  return versionZipResponse(c, versionId);
};

export const createVersion: RouteHandler<CreateVersionRoute, AppEnv> = async (c) => {
  const { caller, services } = c.var;
  const form = c.req.valid('form');
  const makeDefault = form.default === 'true';
  // Checked before the upload, so a refused default leaves no version behind.
  if (makeDefault) requireRole(caller, 'publisher', 'set the default version');
  const skill = await services.registry.findSkill(caller, c.req.valid('param').skill_id);
  const result = await services.registry.uploadVersion(caller, skill.id, await readUpload(form), {
    publish: publishesOnUpload(caller),
  });
  if (makeDefault) await services.registry.setLabel(caller, skill.id, DEFAULT_LABEL, result.version.version);
  return c.json(toOpenAIVersion(result.version), 200);
};

export const listVersions: RouteHandler<ListVersionsRoute, AppEnv> = async (c) => {
  const { caller, services } = c.var;
  const { limit, after, order } = c.req.valid('query');
  const cursor = cursorAfter(after ? await services.registry.findVersion(caller, after) : undefined);
  const page = await services.registry.listVersionRows(caller, c.req.valid('param').skill_id, {
    cursor,
    limit,
    order,
  });
  return c.json(toOpenAIList(page, toOpenAIVersion), 200);
};

export const getVersion: RouteHandler<GetVersionRoute, AppEnv> = async (c) => {
  const { skill_id, version } = c.req.valid('param');
  return c.json(toOpenAIVersion(await findVersionOf(c.var.services.registry, c.var.caller, skill_id, version)), 200);
};

export const removeVersion: RouteHandler<RemoveVersionRoute, AppEnv> = async (c) => {
  const { skill_id, version } = c.req.valid('param');
  const found = await deleteVersionOf(c.var.services.registry, c.var.caller, skill_id, version);
  return c.json({ id: found.id, object: 'skill.version.deleted' as const, deleted: true, version: found.version }, 200);
};

export const versionContent: RouteHandler<VersionContentRoute, AppEnv> = async (c) => {
  const { skill_id, version } = c.req.valid('param');
  const found = await findVersionOf(c.var.services.registry, c.var.caller, skill_id, version);
  return versionZipResponse(c, found.id);
};
