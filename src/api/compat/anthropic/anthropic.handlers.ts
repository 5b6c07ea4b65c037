import type { RouteHandler } from '@hono/zod-openapi';
import type { Page } from '../../../db/pagination.ts';
import { iso } from '../../../schemas.ts';
import type { SkillSummary } from '../../../skills/schemas.ts';
import type { AppEnv } from '../../context.ts';
import { versionZipResponse } from '../../versions/versions.handlers.ts';
import { deleteVersionOf, findVersionOf, publishesOnUpload, readUpload, type VersionLike } from '../shared.ts';
import type {
  CreateRoute,
  CreateVersionRoute,
  GetRoute,
  GetVersionRoute,
  ListRoute,
  ListVersionsRoute,
  RemoveRoute,
  RemoveVersionRoute,
  VersionContentRoute,
} from './anthropic.routes.ts';

/** A registry skill as Anthropic's `skill` object. */
export const toAnthropicSkill = (skill: SkillSummary) => ({
  type: 'skill' as const,
  id: skill.id,
  display_name: skill.display_name ?? skill.name,
  name: skill.name,
  description: skill.description,
  latest_version_id: skill.latest_version_id,
  latest_version: skill.latest_version,
  source: { type: 'custom' as const },
  created_at: skill.created_at,
  updated_at: skill.updated_at,
});

/** A registry version as Anthropic's `skill_version` object. */
export const toAnthropicVersion = (version: VersionLike) => ({
  type: 'skill_version' as const,
  id: version.id,
  skill_id: version.skill_id,
  name: version.name,
  description: version.description,
  version: version.version,
  directory: version.name,
  created_at: iso(version.created_at),
});

/** Our page (`next_cursor`) as Anthropic's (`has_more`, `next_page`). */
const toAnthropicPage = <R, T>(page: Page<R>, map: (row: R) => T) => ({
  data: page.data.map(map),
  has_more: page.next_cursor !== null,
  next_page: page.next_cursor,
});

export const create: RouteHandler<CreateRoute, AppEnv> = async (c) => {
  const { caller, services } = c.var;
  const form = c.req.valid('form');
  const result = await services.registry.createSkillFromBundle(caller, await readUpload(form), {
    publish: publishesOnUpload(caller),
    visibility: 'org',
    displayName: form.display_name?.trim() || undefined,
  });
  return c.json(toAnthropicSkill(result.skill), 200);
};

export const list: RouteHandler<ListRoute, AppEnv> = async (c) => {
  const { limit, page, source } = c.req.valid('query');
  // Every skill here is a custom one: Anthropic's own skills are not served.
  if (source && source !== 'custom') return c.json({ data: [], has_more: false, next_page: null }, 200);
  const skills = await c.var.services.registry.listSkills(c.var.caller, { cursor: page, limit });
  return c.json(toAnthropicPage(skills, toAnthropicSkill), 200);
};

export const get: RouteHandler<GetRoute, AppEnv> = async (c) => {
  const skill = await c.var.services.registry.getSkill(c.var.caller, c.req.valid('param').skill_id, false);
  return c.json(toAnthropicSkill(skill), 200);
};

export const remove: RouteHandler<RemoveRoute, AppEnv> = async (c) => {
  const { registry } = c.var.services;
  const skill = await registry.findSkill(c.var.caller, c.req.valid('param').skill_id);
  await registry.deleteSkill(c.var.caller, skill.id);
  return c.json({ id: skill.id, type: 'skill_deleted' as const }, 200);
};

export const createVersion: RouteHandler<CreateVersionRoute, AppEnv> = async (c) => {
  const { caller, services } = c.var;
  const bundle = await readUpload(c.req.valid('form'));
  const result = await services.registry.uploadVersion(caller, c.req.valid('param').skill_id, bundle, {
    publish: publishesOnUpload(caller),
  });
  return c.json(toAnthropicVersion(result.version), 200);
};

export const listVersions: RouteHandler<ListVersionsRoute, AppEnv> = async (c) => {
  const { limit, page } = c.req.valid('query');
  const rows = await c.var.services.registry.listVersionRows(c.var.caller, c.req.valid('param').skill_id, {
    cursor: page,
    limit,
  });
  return c.json(toAnthropicPage(rows, toAnthropicVersion), 200);
};

export const getVersion: RouteHandler<GetVersionRoute, AppEnv> = async (c) => {
  const { skill_id, version } = c.req.valid('param');
  return c.json(toAnthropicVersion(await findVersionOf(c.var.services.registry, c.var.caller, skill_id, version)), 200);
};

export const removeVersion: RouteHandler<RemoveVersionRoute, AppEnv> = async (c) => {
  const { skill_id, version } = c.req.valid('param');
  const found = await deleteVersionOf(c.var.services.registry, c.var.caller, skill_id, version);
  return c.json({ id: found.id, type: 'skill_version_deleted' as const }, 200);
};

export const versionContent: RouteHandler<VersionContentRoute, AppEnv> = async (c) => {
  const { skill_id, version } = c.req.valid('param');
  const found = await findVersionOf(c.var.services.registry, c.var.caller, skill_id, version);
  return versionZipResponse(c, found.id);
};
