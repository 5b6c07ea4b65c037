/**
 * Anthropic's Skills API (GA shapes, as `@anthropic-ai/sdk` calls it) under /compat/anthropic/v1. Paths here are
 * relative to that base. Errors are Anthropic's envelope, not problem+json.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { refParam, UploadFilesSchema } from '../shared.ts';

const TAGS = ['Compat: Anthropic'];

const AnthropicErrorSchema = z
  .object({
    type: z.literal('error'),
    error: z.object({
      type: z.string().openapi({ example: 'not_found_error' }),
      message: z.string().openapi({ example: 'Skill "pdf" not found' }),
    }),
    request_id: z.string().nullable(),
  })
  .openapi('AnthropicError');

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: AnthropicErrorSchema } },
});
const errors = {
  400: errorResponse('Malformed request, or an invalid skill (SKILL.md, folder)'),
  401: errorResponse('Missing or invalid token (x-api-key or Authorization: Bearer)'),
  403: errorResponse('The caller may not do this'),
  404: errorResponse('Not found, or not visible to the caller'),
};
const conflict = { 409: errorResponse('The skill name or version is taken') };
const tooLarge = { 413: errorResponse('The upload is too large') };

const iso = (description: string) => z.string().openapi({ description, example: '2026-11-24T08:00:00.000Z' });

export const AnthropicSkillSchema = z
  .object({
    type: z.literal('skill'),
    id: z.string().openapi({ description: 'Skill id (the open-skills id)' }),
    display_name: z.string().openapi({ description: 'display_name given at creation, else the name' }),
    name: z.string().openapi({ description: 'Name from SKILL.md (open-skills extension)' }),
    description: z.string(),
    latest_version_id: z.string().nullable().openapi({ description: 'Id of the highest published version' }),
    latest_version: z.string().nullable().openapi({ description: 'Its number (open-skills extension)' }),
    source: z.object({ type: z.literal('custom') }),
    created_at: iso('Creation time'),
    updated_at: iso('Last change'),
  })
  .openapi('AnthropicSkill');

export const AnthropicVersionSchema = z
  .object({
    type: z.literal('skill_version'),
    id: z.string(),
    skill_id: z.string(),
    name: z.string(),
    description: z.string(),
    version: z.string().openapi({ description: 'Semantic version', example: '1.0.0' }),
    directory: z.string().openapi({ description: 'Top-level folder of the bundle' }),
    created_at: iso('Upload time'),
  })
  .openapi('AnthropicSkillVersion');

const pageOf = <T extends z.ZodTypeAny>(item: T, name: string) =>
  z
    .object({
      data: z.array(item),
      has_more: z.boolean(),
      next_page: z.string().nullable().openapi({ description: 'Pass as `page` for the next page' }),
    })
    .openapi(name);

const PageQuery = {
  limit: z.coerce.number().int().min(1).max(1000).default(20).openapi({ description: 'Page size (1-1000)' }),
  page: z.string().max(512).optional().openapi({ description: 'next_page of the previous page' }),
};

const SkillParams = z.object({ skill_id: refParam('skill_id', 'Skill id or name') });
const VersionParams = SkillParams.extend({
  version: refParam('version', 'Version id, semantic version, label or "latest"'),
});

const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const UploadSchema = z.object(UploadFilesSchema);

export const create = createRoute({
  method: 'post',
  path: '/skills',
  tags: TAGS,
  summary: 'Create a skill from files under one top-level folder (multipart files[], display_name)',
  request: {
    body: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: UploadSchema.extend({ display_name: z.string().max(256).optional() }).openapi('AnthropicCreateSkill'),
        },
      },
    },
  },
  responses: { 200: json(AnthropicSkillSchema, 'The skill'), ...errors, ...conflict, ...tooLarge },
});

export const list = createRoute({
  method: 'get',
  path: '/skills',
  tags: TAGS,
  summary: 'List skills, newest first',
  request: {
    query: z.object({
      ...PageQuery,
      source: z
        .string()
        .max(64)
        .optional()
        .openapi({ description: '"custom" (all of these skills) or a vendor source' }),
    }),
  },
  responses: { 200: json(pageOf(AnthropicSkillSchema, 'AnthropicSkillPage'), 'A page of skills'), ...errors },
});

export const get = createRoute({
  method: 'get',
  path: '/skills/{skill_id}',
  tags: TAGS,
  summary: 'Get a skill',
  request: { params: SkillParams },
  responses: { 200: json(AnthropicSkillSchema, 'The skill'), ...errors },
});

export const remove = createRoute({
  method: 'delete',
  path: '/skills/{skill_id}',
  tags: TAGS,
  summary: 'Delete a skill',
  request: { params: SkillParams },
  responses: {
    200: json(z.object({ id: z.string(), type: z.literal('skill_deleted') }), 'Deleted'),
    ...errors,
  },
});

export const createVersion = createRoute({
  method: 'post',
  path: '/skills/{skill_id}/versions',
  tags: TAGS,
  summary: 'Create a version from files under one top-level folder (multipart files[])',
  request: {
    params: SkillParams,
    body: { required: true, content: { 'multipart/form-data': { schema: UploadSchema } } },
  },
  responses: { 200: json(AnthropicVersionSchema, 'The version'), ...errors, ...conflict, ...tooLarge },
});

export const listVersions = createRoute({
  method: 'get',
  path: '/skills/{skill_id}/versions',
  tags: TAGS,
  summary: "List a skill's versions, newest first",
  request: { params: SkillParams, query: z.object(PageQuery) },
  responses: { 200: json(pageOf(AnthropicVersionSchema, 'AnthropicSkillVersionPage'), 'A page'), ...errors },
});

export const getVersion = createRoute({
  method: 'get',
  path: '/skills/{skill_id}/versions/{version}',
  tags: TAGS,
  summary: 'Get a version',
  request: { params: VersionParams },
  responses: { 200: json(AnthropicVersionSchema, 'The version'), ...errors },
});

export const removeVersion = createRoute({
  method: 'delete',
  path: '/skills/{skill_id}/versions/{version}',
  tags: TAGS,
  summary: 'Delete a version (a published one is kept for its runs, invisible, its number taken)',
  request: { params: VersionParams },
  responses: {
    200: json(z.object({ id: z.string(), type: z.literal('skill_version_deleted') }), 'Deleted'),
    ...errors,
  },
});

export const versionContent = createRoute({
  method: 'get',
  path: '/skills/{skill_id}/versions/{version}/content',
  tags: TAGS,
  summary: 'Download a version as a zip (the beta-era route)',
  request: { params: VersionParams },
  responses: {
    200: {
      description: 'The zip archive',
      content: { 'application/zip': { schema: z.any().openapi({ type: 'string', format: 'binary' }) } },
    },
    ...errors,
  },
});

export type CreateRoute = typeof create;
export type ListRoute = typeof list;
export type GetRoute = typeof get;
export type RemoveRoute = typeof remove;
export type CreateVersionRoute = typeof createVersion;
export type ListVersionsRoute = typeof listVersions;
export type GetVersionRoute = typeof getVersion;
export type RemoveVersionRoute = typeof removeVersion;
export type VersionContentRoute = typeof versionContent;
