/**
 * OpenAI's Skills API (as the `openai` package calls it) under /compat/openai/v1. Paths here are relative to that
 * base. Errors are OpenAI's envelope, not problem+json.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { refParam, UploadFilesSchema } from '../shared.ts';

const TAGS = ['Compat: OpenAI'];

const OpenAIErrorSchema = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string().openapi({ example: 'invalid_request_error' }),
      param: z.string().nullable(),
      code: z.string().nullable().openapi({ example: 'not_found' }),
    }),
  })
  .openapi('OpenAIError');

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: OpenAIErrorSchema } },
});
const errors = {
  400: errorResponse('Malformed request, or an invalid skill (SKILL.md, folder)'),
  401: errorResponse('Missing or invalid token (Authorization: Bearer)'),
  403: errorResponse('The caller may not do this'),
  404: errorResponse('Not found, or not visible to the caller'),
};
const conflict = { 409: errorResponse('The skill name or version is taken, or the version is not published') };
const tooLarge = { 413: errorResponse('The upload is too large') };

const unix = (description: string) => z.number().int().openapi({ description, example: 1764576000 });

export const OpenAISkillSchema = z
  .object({
    object: z.literal('skill'),
    id: z.string(),
    name: z.string(),
    description: z.string(),
    created_at: unix('Creation time, Unix seconds'),
    default_version: z
      .string()
      .nullable()
      .openapi({ description: 'The version the "default" label points at, else the latest', example: '1.0.0' }),
    latest_version: z.string().nullable().openapi({ description: 'Highest published version', example: '1.1.0' }),
  })
  .openapi('OpenAISkill');

export const OpenAIVersionSchema = z
  .object({
    object: z.literal('skill.version'),
    id: z.string(),
    skill_id: z.string(),
    name: z.string(),
    description: z.string(),
    version: z.string().openapi({ example: '1.0.0' }),
    created_at: unix('Upload time, Unix seconds'),
  })
  .openapi('OpenAISkillVersion');

const listOf = <T extends z.ZodTypeAny>(item: T, name: string) =>
  z
    .object({
      object: z.literal('list'),
      data: z.array(item),
      first_id: z.string().nullable(),
      last_id: z.string().nullable(),
      has_more: z.boolean(),
    })
    .openapi(name);

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: 'Page size (1-100)' }),
  after: z.string().max(128).optional().openapi({ description: 'Id of the last item of the previous page' }),
  order: z.enum(['asc', 'desc']).default('desc').openapi({ description: 'By creation time' }),
});

const SkillParams = z.object({ skill_id: refParam('skill_id', 'Skill id or name') });
const VersionParams = SkillParams.extend({
  version: refParam('version', 'Version number, id, label or "latest"'),
});

const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const zip = {
  description: 'The zip archive',
  content: { 'application/zip': { schema: z.any().openapi({ type: 'string', format: 'binary' }) } },
};

export const create = createRoute({
  method: 'post',
  path: '/skills',
  tags: TAGS,
  summary: 'Create a skill from one zip or from files under one top-level folder (multipart files)',
  request: {
    body: {
      required: true,
      content: { 'multipart/form-data': { schema: z.object(UploadFilesSchema).openapi('OpenAICreateSkill') } },
    },
  },
  responses: { 200: json(OpenAISkillSchema, 'The skill'), ...errors, ...conflict, ...tooLarge },
});

export const list = createRoute({
  method: 'get',
  path: '/skills',
  tags: TAGS,
  summary: 'List skills',
  request: { query: ListQuery },
  responses: { 200: json(listOf(OpenAISkillSchema, 'OpenAISkillList'), 'A page of skills'), ...errors },
});

export const get = createRoute({
  method: 'get',
  path: '/skills/{skill_id}',
  tags: TAGS,
  summary: 'Get a skill',
  request: { params: SkillParams },
  responses: { 200: json(OpenAISkillSchema, 'The skill'), ...errors },
});

export const update = createRoute({
  method: 'post',
  path: '/skills/{skill_id}',
  tags: TAGS,
  summary: 'Set the default version (moves the "default" label; publisher role)',
  request: {
    params: SkillParams,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({ default_version: z.string().min(1).max(128).openapi({ example: '1.1.0' }) })
            .openapi('OpenAIUpdateSkill'),
        },
      },
    },
  },
  responses: { 200: json(OpenAISkillSchema, 'The skill'), ...errors, ...conflict },
});

export const remove = createRoute({
  method: 'delete',
  path: '/skills/{skill_id}',
  tags: TAGS,
  summary: 'Delete a skill',
  request: { params: SkillParams },
  responses: {
    200: json(z.object({ id: z.string(), object: z.literal('skill.deleted'), deleted: z.boolean() }), 'Deleted'),
    ...errors,
  },
});

export const content = createRoute({
  method: 'get',
  path: '/skills/{skill_id}/content',
  tags: TAGS,
  summary: 'Download the default version as a zip',
  request: { params: SkillParams },
  responses: { 200: zip, ...errors },
});

export const createVersion = createRoute({
  method: 'post',
  path: '/skills/{skill_id}/versions',
  tags: TAGS,
  summary: 'Create a version (multipart files; default=true also makes it the default version)',
  request: {
    params: SkillParams,
    body: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: z
            .object({ ...UploadFilesSchema, default: z.enum(['true', 'false']).optional() })
            .openapi('OpenAICreateSkillVersion'),
        },
      },
    },
  },
  responses: { 200: json(OpenAIVersionSchema, 'The version'), ...errors, ...conflict, ...tooLarge },
});

export const listVersions = createRoute({
  method: 'get',
  path: '/skills/{skill_id}/versions',
  tags: TAGS,
  summary: "List a skill's versions",
  request: { params: SkillParams, query: ListQuery },
  responses: { 200: json(listOf(OpenAIVersionSchema, 'OpenAISkillVersionList'), 'A page of versions'), ...errors },
});

export const getVersion = createRoute({
  method: 'get',
  path: '/skills/{skill_id}/versions/{version}',
  tags: TAGS,
  summary: 'Get a version',
  request: { params: VersionParams },
  responses: { 200: json(OpenAIVersionSchema, 'The version'), ...errors },
});

export const removeVersion = createRoute({
  method: 'delete',
  path: '/skills/{skill_id}/versions/{version}',
  tags: TAGS,
  summary: 'Delete a version (a published one is kept for its runs, invisible, its number taken)',
  request: { params: VersionParams },
  responses: {
    200: json(
      z.object({
        id: z.string(),
        object: z.literal('skill.version.deleted'),
        deleted: z.boolean(),
        version: z.string(),
      }),
      'Deleted',
    ),
    ...errors,
  },
});

export const versionContent = createRoute({
  method: 'get',
  path: '/skills/{skill_id}/versions/{version}/content',
  tags: TAGS,
  summary: 'Download a version as a zip',
  request: { params: VersionParams },
  responses: { 200: zip, ...errors },
});

export type CreateRoute = typeof create;
export type ListRoute = typeof list;
export type GetRoute = typeof get;
export type UpdateRoute = typeof update;
export type RemoveRoute = typeof remove;
export type ContentRoute = typeof content;
export type CreateVersionRoute = typeof createVersion;
export type ListVersionsRoute = typeof listVersions;
export type GetVersionRoute = typeof getVersion;
export type RemoveVersionRoute = typeof removeVersion;
export type VersionContentRoute = typeof versionContent;
