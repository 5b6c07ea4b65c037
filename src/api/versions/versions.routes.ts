import { createRoute, z } from '@hono/zod-openapi';
import { PROMPT_DEFAULT_TOP_K } from '../../skills/prompt.ts';
import { SkillRefParam, SkillVersionSchema, VersionIdParam } from '../../skills/schemas.ts';
import { conflictResponse, errorResponses, json, unprocessableResponse } from '../problem.ts';

export const get = createRoute({
  method: 'get',
  path: '/skill-versions/{id}',
  tags: ['Versions'],
  summary: 'Get a version: SKILL.md body, declared I/O and file list (level 2)',
  request: { params: VersionIdParam },
  responses: { 200: json(SkillVersionSchema, 'The version'), ...errorResponses },
});

const VersionRefParams = SkillRefParam.extend({
  version: z
    .string()
    .min(1)
    .max(128)
    .openapi({
      description: 'A semantic version, a label (e.g. production) or "latest" (the highest published version)',
      example: 'production',
      param: { name: 'version', in: 'path' },
    }),
});

export const getByRef = createRoute({
  method: 'get',
  path: '/skills/{id}/versions/{version}',
  tags: ['Versions'],
  summary: 'Get a version by number, label or "latest" (level 2)',
  request: { params: VersionRefParams },
  responses: { 200: json(SkillVersionSchema, 'The version'), ...errorResponses },
});

export const contentByRef = createRoute({
  method: 'get',
  path: '/skills/{id}/versions/{version}/content',
  tags: ['Versions'],
  summary: 'Download a version named by number, label or "latest" as a zip',
  request: { params: VersionRefParams },
  responses: {
    200: {
      description: 'The zip archive',
      content: { 'application/zip': { schema: z.any().openapi({ type: 'string', format: 'binary' }) } },
    },
    ...errorResponses,
  },
});

export const publish = createRoute({
  method: 'post',
  path: '/skill-versions/{id}/publish',
  tags: ['Versions'],
  summary: 'Publish a draft version (publisher role); require_tests=true runs its tests/*.json cases first',
  request: {
    params: VersionIdParam,
    query: z.object({
      require_tests: z.enum(['true', 'false']).optional().openapi({
        description: "Run the version's own test cases on the server and publish only when all pass",
        example: 'true',
      }),
    }),
  },
  responses: {
    200: json(SkillVersionSchema, 'The published version'),
    ...errorResponses,
    ...conflictResponse,
    ...unprocessableResponse,
  },
});

export const deprecate = createRoute({
  method: 'post',
  path: '/skill-versions/{id}/deprecate',
  tags: ['Versions'],
  summary: 'Deprecate a published version; "latest" moves to the next highest',
  request: { params: VersionIdParam },
  responses: { 200: json(SkillVersionSchema, 'The deprecated version'), ...errorResponses, ...conflictResponse },
});

/** Documented here; served by a wildcard route because file paths contain slashes. */
export const file = createRoute({
  method: 'get',
  path: '/skill-versions/{id}/files/{path}',
  tags: ['Versions'],
  summary: 'Get one file of a version (level 3), with its media type and ETag',
  request: {
    params: VersionIdParam.extend({
      path: z.string().openapi({
        description: 'Path inside the bundle; slashes allowed',
        example: 'scripts/main.ts',
        param: { name: 'path', in: 'path' },
      }),
    }),
  },
  responses: {
    200: {
      description: 'The file content',
      content: { 'application/octet-stream': { schema: z.any().openapi({ type: 'string', format: 'binary' }) } },
    },
    304: { description: 'Not modified (If-None-Match)' },
    ...errorResponses,
  },
});

export const content = createRoute({
  method: 'get',
  path: '/skill-versions/{id}/content',
  tags: ['Versions'],
  summary: 'Download the whole bundle as a zip (one top-level folder named after the skill)',
  request: { params: VersionIdParam },
  responses: {
    200: {
      description: 'The zip archive',
      content: { 'application/zip': { schema: z.any().openapi({ type: 'string', format: 'binary' }) } },
    },
    ...errorResponses,
  },
});

export const skillPrompt = createRoute({
  method: 'get',
  path: '/skills/{id}/prompt',
  tags: ['Skills'],
  summary: 'The <available_skills> XML block for one skill, as `skills-ref to-prompt` writes it',
  request: { params: SkillRefParam },
  responses: { 200: { description: 'XML', content: { 'application/xml': { schema: z.string() } } }, ...errorResponses },
});

export const setPrompt = createRoute({
  method: 'post',
  path: '/skills/prompt',
  tags: ['Skills'],
  summary:
    "The <available_skills> XML block for named skills, for the router's best skills for a query, or for every " +
    'published skill (by name, at most top_k)',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              skills: z
                .array(z.string().min(1).max(128))
                .max(200)
                .optional()
                .openapi({ description: 'Skill names or ids (not with query or tags)', example: ['csv-to-json'] }),
              query: z.string().trim().min(1).max(2000).optional().openapi({
                description: "The user's request: list the router's best skills for it, best first",
                example: 'turn a spreadsheet into slides',
              }),
              top_k: z
                .number()
                .int()
                .min(1)
                .max(200)
                .optional()
                .openapi({
                  description: `At most this many skills (default ${PROMPT_DEFAULT_TOP_K.query} with query, ${PROMPT_DEFAULT_TOP_K.all} without)`,
                  example: 5,
                }),
              tags: z
                .array(z.string().min(1).max(64))
                .max(20)
                .optional()
                .openapi({ description: 'Only skills carrying every one of these tags', example: ['csv'] }),
            })
            .strict()
            .openapi('PromptRequest'),
        },
      },
    },
  },
  responses: { 200: { description: 'XML', content: { 'application/xml': { schema: z.string() } } }, ...errorResponses },
});

export type GetRoute = typeof get;
export type PublishRoute = typeof publish;
export type DeprecateRoute = typeof deprecate;
export type ContentRoute = typeof content;
export type GetByRefRoute = typeof getByRef;
export type ContentByRefRoute = typeof contentByRef;
export type SkillPromptRoute = typeof skillPrompt;
export type SetPromptRoute = typeof setPrompt;
