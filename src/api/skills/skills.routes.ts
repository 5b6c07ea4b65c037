import { createRoute, z } from '@hono/zod-openapi';
import { isValidSkillName, normalizeName } from '../../skills/names.ts';
import {
  CursorQuery,
  SkillDetailSchema,
  SkillPageSchema,
  SkillRefParam,
  SkillSummarySchema,
  UploadResultSchema,
  VersionPageSchema,
  VersionStatusSchema,
  VisibilitySchema,
} from '../../skills/schemas.ts';
import { FilePartSchema, FilePartsSchema, flagPart } from '../multipart.ts';
import { conflictResponse, errorResponses, json, tooLargeResponse, unprocessableResponse } from '../problem.ts';

export const CreateSkillBodySchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(256)
      .refine(isValidSkillName, 'must be 1-64 lowercase letters or digits (any script) and single hyphens')
      .transform(normalizeName)
      .openapi({
        description:
          'Skill name, unique in the organisation: 1-64 lowercase letters or digits (any script) and hyphens',
        example: 'pdf-tools',
      }),
    description: z
      .string()
      .max(1024)
      .optional()
      .openapi({ description: 'What it does', example: 'Extracts text from PDFs' }),
    visibility: VisibilitySchema.default('org'),
  })
  .openapi('CreateSkill');

export const UpdateSkillBodySchema = z
  .object({
    description: z
      .string()
      .min(1)
      .max(1024)
      .optional()
      .openapi({ description: 'New description', example: 'Better words' }),
    tags: z
      .array(z.string().min(1).max(64))
      .max(50)
      .optional()
      .openapi({ description: 'New tags', example: ['pdf'] }),
    visibility: VisibilitySchema.optional(),
  })
  .strict()
  .openapi('UpdateSkill');

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export const BundleUploadSchema = z
  .object({
    bundle: FilePartSchema.optional().openapi({ description: 'A zip or tar.gz of the skill folder' }),
    'files[]': z
      .array(FilePartSchema)
      .optional()
      .openapi({ description: 'Files named by their path under one top-level folder (instead of bundle)' }),
    files: FilePartsSchema.optional().openapi({ description: 'The same as files[]' }),
    publish: flagPart('Publish the new version at once'),
    version: z
      .string()
      .optional()
      .refine((v) => !v || SEMVER.test(v), 'must be semver, e.g. 1.2.0')
      .transform((v) => v || undefined)
      .openapi({ description: 'Overrides the version in SKILL.md', example: '1.0.0' }),
    visibility: VisibilitySchema.optional(),
  })
  .openapi('BundleUpload');

export const create = createRoute({
  method: 'post',
  path: '/skills',
  tags: ['Skills'],
  summary: 'Create a skill (JSON), or a skill and its first version from a bundle (multipart)',
  request: {
    body: {
      required: true,
      content: {
        // Tagged outputs tell the handler which of the two it got.
        'application/json': { schema: CreateSkillBodySchema.transform((skill) => ({ skill })) },
        'multipart/form-data': { schema: BundleUploadSchema.transform((upload) => ({ upload })) },
      },
    },
  },
  responses: {
    201: json(z.union([SkillSummarySchema, UploadResultSchema]), 'Created: a SkillSummary (JSON) or an UploadResult'),
    ...errorResponses,
    ...conflictResponse,
    ...tooLargeResponse,
    ...unprocessableResponse,
  },
});

export const list = createRoute({
  method: 'get',
  path: '/skills',
  tags: ['Skills'],
  summary: 'List skills (level 1: name, description, tags, latest version, inputs and outputs)',
  request: {
    query: z.object({
      q: z.string().max(500).optional().openapi({ description: 'Search text', example: 'convert csv' }),
      tag: z.string().max(64).optional().openapi({ description: 'Only skills with this tag', example: 'csv' }),
      visibility: VisibilitySchema.optional(),
      ...CursorQuery,
    }),
  },
  responses: { 200: json(SkillPageSchema, 'A page of skills'), ...errorResponses },
});

export const get = createRoute({
  method: 'get',
  path: '/skills/{id}',
  tags: ['Skills'],
  summary: 'Get a skill by id or name; include=instructions adds the SKILL.md body and files (level 2)',
  request: {
    params: SkillRefParam,
    query: z.object({
      include: z
        .enum(['instructions'])
        .optional()
        .openapi({ description: 'Add level-2 details', example: 'instructions' }),
    }),
  },
  responses: { 200: json(SkillDetailSchema, 'The skill'), ...errorResponses },
});

export const update = createRoute({
  method: 'patch',
  path: '/skills/{id}',
  tags: ['Skills'],
  summary: 'Change description, tags or visibility',
  request: {
    params: SkillRefParam,
    body: {
      required: true,
      content: {
        'application/json': { schema: UpdateSkillBodySchema },
      },
    },
  },
  responses: { 200: json(SkillSummarySchema, 'The updated skill'), ...errorResponses },
});

export const remove = createRoute({
  method: 'delete',
  path: '/skills/{id}',
  tags: ['Skills'],
  summary: 'Delete a skill (soft: its runs and artifacts stay readable)',
  request: { params: SkillRefParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses },
});

export const listVersions = createRoute({
  method: 'get',
  path: '/skills/{id}/versions',
  tags: ['Versions'],
  summary: "List a skill's versions, newest first",
  request: { params: SkillRefParam, query: z.object({ status: VersionStatusSchema.optional(), ...CursorQuery }) },
  responses: { 200: json(VersionPageSchema, 'A page of versions'), ...errorResponses },
});

export const uploadVersion = createRoute({
  method: 'post',
  path: '/skills/{id}/versions',
  tags: ['Versions'],
  summary: 'Upload a new version (multipart: a bundle archive or files[])',
  description:
    'Content identical to an existing version (same file hashes) returns that version with 200 and outcome ' +
    '"unchanged". A version number held by a draft (never published) replaces the draft; one held by a published ' +
    'or deprecated version is a 409 naming a free number.',
  request: {
    params: SkillRefParam,
    body: { required: true, content: { 'multipart/form-data': { schema: BundleUploadSchema } } },
  },
  responses: {
    200: json(UploadResultSchema, 'The content equals an existing version, which is returned (outcome "unchanged")'),
    201: json(UploadResultSchema, 'The stored version (outcome "created" or "replaced") and any warnings'),
    ...errorResponses,
    ...conflictResponse,
    ...tooLargeResponse,
    ...unprocessableResponse,
  },
});

export type CreateRoute = typeof create;
export type ListRoute = typeof list;
export type GetRoute = typeof get;
export type UpdateRoute = typeof update;
export type RemoveRoute = typeof remove;
export type ListVersionsRoute = typeof listVersions;
export type UploadVersionRoute = typeof uploadVersion;
