/** The skill API's objects and request parameters, and the schema of a bundle's test cases. */
import { z } from 'zod';
import { FieldErrorSchema } from '../errors.ts';
import { RunErrorTypeSchema } from '../runtime/schemas.ts';
import { pageOf, timestamp } from '../schemas.ts';
import { IoFieldSchema } from './manifest.ts';

export { IoFieldSchema };

const id = (example: string, description: string) => z.string().uuid().meta({ description, example });

export const VisibilitySchema = z.enum(['user', 'org', 'public']).meta({
  description:
    '"user": only the owner (and admins) see it; "org": everyone in the organisation; "public": everyone in the ' +
    'organisation, and its published versions are served without a token in the well-known skills index ' +
    '(set by publishers and admins)',
  example: 'org',
});

export type Visibility = z.infer<typeof VisibilitySchema>;

export const FileInfoSchema = z
  .object({
    path: z.string().meta({ description: 'Path inside the bundle', example: 'scripts/main.ts' }),
    size: z.number().int().meta({ description: 'Size in bytes', example: 1432 }),
    sha256: z.string().meta({ description: 'SHA-256 of the content, hex', example: 'e3b0c442...' }),
    mime: z.string().meta({ description: 'Media type', example: 'text/typescript' }),
  })
  .meta({ id: 'FileInfo' });

export const SkillSummarySchema = z
  .object({
    id: id('019a8a47-7d8e-7c3b-9a53-1f0d2b3c4d5e', 'Skill id'),
    name: z.string().meta({ description: 'Unique name within the organisation', example: 'csv-to-json' }),
    display_name: z.string().nullable().meta({
      description: "A human name, given through the Anthropic-compatible API's display_name; null when none was given",
      example: 'CSV to JSON',
    }),
    description: z
      .string()
      .meta({ description: 'What the skill does and when to use it', example: 'Converts CSV to JSON' }),
    tags: z.array(z.string()).meta({ description: 'Tags', example: ['csv', 'json'] }),
    visibility: VisibilitySchema,
    owner_id: z.string().meta({ description: 'User who created it', example: 'alice' }),
    latest_version: z
      .string()
      .nullable()
      .meta({ description: 'Highest published, non-deprecated version', example: '1.2.0' }),
    latest_version_id: z.string().uuid().nullable().meta({ description: 'Id of that version', example: null }),
    labels: z.record(z.string(), z.string()).meta({
      description: 'Named labels and the version each points at (`latest` is implicit: the highest published)',
      example: { production: '1.2.0', staging: '1.3.0' },
    }),
    runnable: z.boolean().meta({ description: 'Whether the latest version has code to run', example: true }),
    inputs: z.array(IoFieldSchema).nullable().meta({ description: 'Declared inputs of the latest version' }),
    outputs: z.array(IoFieldSchema).nullable().meta({ description: 'Declared outputs of the latest version' }),
    created_at: timestamp('When the skill was created'),
    updated_at: timestamp('When the skill last changed'),
  })
  .meta({ id: 'SkillSummary' });

// An intersection (not .extend) so the OpenAPI document says `allOf: [SkillSummary, ...]` and the SDK type reuses it.
export const SkillDetailSchema = z
  .intersection(
    SkillSummarySchema,
    z.object({
      instructions: z
        .string()
        .optional()
        .meta({ description: 'SKILL.md body of the latest version (include=instructions)' }),
      files: z
        .array(FileInfoSchema)
        .optional()
        .meta({ description: 'Files of the latest version (include=instructions)' }),
    }),
  )
  .meta({ id: 'SkillDetail' });

export const VersionStatusSchema = z
  .enum(['draft', 'published', 'deprecated'])
  .meta({ description: 'Lifecycle: draft -> published -> deprecated', example: 'published' });

export const VersionSummarySchema = z
  .object({
    id: id('019a8a47-8000-7000-9000-000000000001', 'Version id'),
    skill_id: id('019a8a47-7d8e-7c3b-9a53-1f0d2b3c4d5e', 'Skill id'),
    name: z.string().meta({ description: 'Skill name', example: 'csv-to-json' }),
    version: z.string().meta({ description: 'Semantic version', example: '1.2.0' }),
    status: VersionStatusSchema,
    sha256: z.string().meta({ description: 'Hash over every file path and content', example: '9f86d081...' }),
    size_bytes: z.number().int().meta({ description: 'Total size of the files', example: 20480 }),
    file_count: z.number().int().meta({ description: 'Number of files', example: 4 }),
    created_at: timestamp('Upload time'),
    published_at: timestamp('Publish time').nullable(),
    deprecated_at: timestamp('Deprecation time').nullable(),
    labels: z.array(z.string()).meta({ description: 'Labels pointing at this version', example: ['production'] }),
  })
  .meta({ id: 'VersionSummary' });

export const SkillVersionSchema = z
  .intersection(
    VersionSummarySchema,
    z.object({
      description: z.string().meta({ description: 'Description from SKILL.md', example: 'Converts CSV to JSON' }),
      instructions: z
        .string()
        .meta({ description: 'SKILL.md body: what an agent reads', example: '# CSV to JSON\n...' }),
      entrypoint: z
        .string()
        .nullable()
        .meta({ description: 'Module that exports run(); null = instructions only', example: 'scripts/main.ts' }),
      runnable: z.boolean().meta({ description: 'Whether it has code to run', example: true }),
      tags: z.array(z.string()).meta({ description: 'Tags', example: ['csv'] }),
      inputs: z.array(IoFieldSchema).nullable().meta({ description: 'Declared inputs' }),
      outputs: z.array(IoFieldSchema).nullable().meta({ description: 'Declared outputs' }),
      input_schema: z
        .record(z.string(), z.unknown())
        .nullable()
        .meta({ description: 'JSON Schema of the input, when declared' }),
      output_schema: z
        .record(z.string(), z.unknown())
        .nullable()
        .meta({ description: 'JSON Schema of the output, when declared' }),
      allow_network: z.boolean().meta({ description: 'Whether ctx.fetch is allowed', example: false }),
      network_allowlist: z
        .array(z.string())
        .meta({ description: 'Hosts ctx.fetch may reach', example: ['api.github.com'] }),
      secrets: z.array(z.string()).meta({ description: 'Secret names the skill receives', example: [] }),
      timeout_ms: z.number().int().nullable().meta({ description: 'Requested run deadline', example: 10000 }),
      memory_mb: z.number().int().nullable().meta({ description: 'Requested isolate memory', example: 64 }),
      license: z.string().nullable().meta({ description: 'License', example: 'MIT' }),
      compatibility: z.string().nullable().meta({ description: 'Environment requirements', example: null }),
      allowed_tools: z
        .string()
        .nullable()
        .meta({ description: 'Tools the skill expects to use (space-separated)', example: 'Read Bash(git:*)' }),
      metadata: z
        .record(z.string(), z.string())
        .meta({ description: 'Free-form string map from SKILL.md, values as written', example: { version: '1.0' } }),
      front_matter: z.record(z.string(), z.unknown()).meta({ description: 'SKILL.md front matter as written' }),
      warnings: z.array(FieldErrorSchema).meta({ description: 'Validation warnings recorded at upload' }),
      files: z.array(FileInfoSchema).meta({ description: 'Every file of the bundle' }),
      created_by: z.string().meta({ description: 'Uploader', example: 'alice' }),
    }),
  )
  .meta({ id: 'SkillVersion' });

export const UploadResultSchema = z
  .object({
    outcome: z.enum(['created', 'unchanged', 'replaced']).meta({
      description:
        '"created": a new version; "unchanged": the content equals an existing version (same file hashes), which is ' +
        'returned (HTTP 200); "replaced": a draft with this version number got the new content',
      example: 'created',
    }),
    skill: SkillSummarySchema,
    version: SkillVersionSchema,
    warnings: z.array(FieldErrorSchema).meta({ description: 'Accepted, but worth fixing' }),
  })
  .meta({ id: 'UploadResult' });

export const SkillPageSchema = pageOf(SkillSummarySchema, 'SkillPage');
export const VersionPageSchema = pageOf(VersionSummarySchema, 'VersionPage');

export const CursorQuery = {
  cursor: z.string().optional().meta({ description: 'Cursor from the previous page', example: undefined }),
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({ description: 'Page size (1-100)', example: 20 }),
};

export const SkillRefParam = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .meta({ description: 'Skill id (UUID) or name', example: 'csv-to-json', param: { name: 'id', in: 'path' } }),
});

export const VersionIdParam = z.object({
  id: z
    .string()
    .uuid()
    .meta({
      description: 'Version id',
      example: '019a8a47-8000-7000-9000-000000000001',
      param: { name: 'id', in: 'path' },
    }),
});

export type SkillSummary = z.infer<typeof SkillSummarySchema>;
export type SkillDetail = z.infer<typeof SkillDetailSchema>;
export type SkillVersionDto = z.infer<typeof SkillVersionSchema>;
export type VersionSummary = z.infer<typeof VersionSummarySchema>;
export type FileInfo = z.infer<typeof FileInfoSchema>;

/** Where a test case's file comes from: inline text, inline base64, or a path relative to `tests/`. */
export const CaseFileSpecSchema = z.union([
  z.object({ text: z.string() }),
  z.object({ base64: z.string() }),
  z.object({ path: z.string().min(1) }),
]);

/**
 * One test case of a bundle (`tests/<name>.json`): an input, files, and what the run must end with. The same
 * cases run locally, from the CLI against a server and on the server before publishing.
 */
export const SkillCaseSchema = z.object({
  name: z.string().optional().meta({ description: 'Case name; defaults to the file name without .json' }),
  input: z
    .unknown()
    .optional()
    .meta({ description: 'The run input', example: { name: 'Ada' } }),
  files: z.record(z.string(), CaseFileSpecSchema).optional().meta({ description: 'Files for ctx.files, by name' }),
  requires: z.array(z.string()).optional().meta({ description: 'Skills the case calls through ctx.callSkill' }),
  expect: z.object({
    status: z.enum(['succeeded', 'failed', 'timed_out']),
    output: z.unknown().optional().meta({ description: 'The exact output (key order aside)' }),
    output_contains: z.unknown().optional().meta({ description: 'A part of the output that must be in it' }),
    error_type: RunErrorTypeSchema.optional(),
    error_message_contains: z.string().optional(),
    artifacts: z
      .array(z.object({ name: z.string(), mimeType: z.string().optional(), min_size: z.number().int().optional() }))
      .optional(),
  }),
});
