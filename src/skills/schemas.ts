import { z } from '@hono/zod-openapi';
import { FieldErrorSchema } from '../errors.ts';

const id = (example: string, description: string) => z.string().uuid().openapi({ description, example });
const timestamp = (description: string) =>
  z.string().openapi({ description, example: '2026-11-24T08:00:00.000Z', format: 'date-time' });

export const VisibilitySchema = z
  .enum(['user', 'org'])
  .openapi({ description: '"user": only the owner sees it; "org": everyone in the organisation', example: 'org' });

export const IoFieldSchema = z
  .object({
    name: z.string().openapi({ description: 'Input or output name', example: 'csv' }),
    type: z
      .enum(['string', 'number', 'boolean', 'object', 'array', 'file'])
      .openapi({ description: 'Value type; "file" means a file sent with the run', example: 'string' }),
    mime: z.string().optional().openapi({ description: 'Media type of a file', example: 'text/csv' }),
    description: z.string().optional().openapi({ description: 'What it is', example: 'The CSV text' }),
    required: z.boolean().optional().openapi({ description: 'Whether it must be given', example: true }),
  })
  .openapi('IoField');

export const FileInfoSchema = z
  .object({
    path: z.string().openapi({ description: 'Path inside the bundle', example: 'scripts/main.ts' }),
    size: z.number().int().openapi({ description: 'Size in bytes', example: 1432 }),
    sha256: z.string().openapi({ description: 'SHA-256 of the content, hex', example: 'e3b0c442...' }),
    mime: z.string().openapi({ description: 'Media type', example: 'text/typescript' }),
  })
  .openapi('FileInfo');

export const SkillSummarySchema = z
  .object({
    id: id('019a8a47-7d8e-7c3b-9a53-1f0d2b3c4d5e', 'Skill id'),
    name: z.string().openapi({ description: 'Unique name within the organisation', example: 'csv-to-json' }),
    description: z
      .string()
      .openapi({ description: 'What the skill does and when to use it', example: 'Converts CSV to JSON' }),
    tags: z.array(z.string()).openapi({ description: 'Tags', example: ['csv', 'json'] }),
    visibility: VisibilitySchema,
    owner_id: z.string().openapi({ description: 'User who created it', example: 'alice' }),
    latest_version: z
      .string()
      .nullable()
      .openapi({ description: 'Highest published, non-deprecated version', example: '1.2.0' }),
    latest_version_id: z.string().uuid().nullable().openapi({ description: 'Id of that version', example: null }),
    runnable: z.boolean().openapi({ description: 'Whether the latest version has code to run', example: true }),
    inputs: z.array(IoFieldSchema).nullable().openapi({ description: 'Declared inputs of the latest version' }),
    outputs: z.array(IoFieldSchema).nullable().openapi({ description: 'Declared outputs of the latest version' }),
    created_at: timestamp('When the skill was created'),
    updated_at: timestamp('When the skill last changed'),
  })
  .openapi('SkillSummary');

export const SkillDetailSchema = SkillSummarySchema.extend({
  instructions: z
    .string()
    .optional()
    .openapi({ description: 'SKILL.md body of the latest version (include=instructions)' }),
  files: z
    .array(FileInfoSchema)
    .optional()
    .openapi({ description: 'Files of the latest version (include=instructions)' }),
}).openapi('SkillDetail');

export const VersionStatusSchema = z
  .enum(['draft', 'published', 'deprecated'])
  .openapi({ description: 'Lifecycle: draft -> published -> deprecated', example: 'published' });

export const VersionSummarySchema = z
  .object({
    id: id('019a8a47-8000-7000-9000-000000000001', 'Version id'),
    skill_id: id('019a8a47-7d8e-7c3b-9a53-1f0d2b3c4d5e', 'Skill id'),
    name: z.string().openapi({ description: 'Skill name', example: 'csv-to-json' }),
    version: z.string().openapi({ description: 'Semantic version', example: '1.2.0' }),
    status: VersionStatusSchema,
    sha256: z.string().openapi({ description: 'Hash over every file path and content', example: '9f86d081...' }),
    size_bytes: z.number().int().openapi({ description: 'Total size of the files', example: 20480 }),
    file_count: z.number().int().openapi({ description: 'Number of files', example: 4 }),
    created_at: timestamp('Upload time'),
    published_at: timestamp('Publish time').nullable(),
    deprecated_at: timestamp('Deprecation time').nullable(),
  })
  .openapi('VersionSummary');

export const SkillVersionSchema = VersionSummarySchema.extend({
  description: z.string().openapi({ description: 'Description from SKILL.md', example: 'Converts CSV to JSON' }),
  instructions: z
    .string()
    .openapi({ description: 'SKILL.md body: what an agent reads', example: '# CSV to JSON\n...' }),
  entrypoint: z
    .string()
    .nullable()
    .openapi({ description: 'Module that exports run(); null = instructions only', example: 'scripts/main.ts' }),
  runnable: z.boolean().openapi({ description: 'Whether it has code to run', example: true }),
  tags: z.array(z.string()).openapi({ description: 'Tags', example: ['csv'] }),
  inputs: z.array(IoFieldSchema).nullable().openapi({ description: 'Declared inputs' }),
  outputs: z.array(IoFieldSchema).nullable().openapi({ description: 'Declared outputs' }),
  input_schema: z
    .record(z.string(), z.unknown())
    .nullable()
    .openapi({ description: 'JSON Schema of the input, when declared' }),
  output_schema: z
    .record(z.string(), z.unknown())
    .nullable()
    .openapi({ description: 'JSON Schema of the output, when declared' }),
  allow_network: z.boolean().openapi({ description: 'Whether ctx.fetch is allowed', example: false }),
  network_allowlist: z
    .array(z.string())
    .openapi({ description: 'Hosts ctx.fetch may reach', example: ['api.github.com'] }),
  secrets: z.array(z.string()).openapi({ description: 'Secret names the skill receives', example: [] }),
  timeout_ms: z.number().int().nullable().openapi({ description: 'Requested run deadline', example: 10000 }),
  memory_mb: z.number().int().nullable().openapi({ description: 'Requested isolate memory', example: 64 }),
  license: z.string().nullable().openapi({ description: 'License', example: 'MIT' }),
  compatibility: z.string().nullable().openapi({ description: 'Environment requirements', example: null }),
  metadata: z
    .record(z.string(), z.string())
    .openapi({ description: 'Free-form string map from SKILL.md', example: {} }),
  front_matter: z.record(z.string(), z.unknown()).openapi({ description: 'SKILL.md front matter as written' }),
  warnings: z.array(FieldErrorSchema).openapi({ description: 'Validation warnings recorded at upload' }),
  files: z.array(FileInfoSchema).openapi({ description: 'Every file of the bundle' }),
  created_by: z.string().openapi({ description: 'Uploader', example: 'alice' }),
}).openapi('SkillVersion');

export const UploadResultSchema = z
  .object({
    skill: SkillSummarySchema,
    version: SkillVersionSchema,
    warnings: z.array(FieldErrorSchema).openapi({ description: 'Accepted, but worth fixing' }),
  })
  .openapi('UploadResult');

export const pageOf = <T extends z.ZodTypeAny>(item: T, name: string) =>
  z
    .object({
      data: z.array(item),
      next_cursor: z
        .string()
        .nullable()
        .openapi({ description: 'Pass as `cursor` for the next page; null on the last page', example: null }),
    })
    .openapi(name);

export const SkillPageSchema = pageOf(SkillSummarySchema, 'SkillPage');
export const VersionPageSchema = pageOf(VersionSummarySchema, 'VersionPage');

export const CursorQuery = {
  cursor: z.string().optional().openapi({ description: 'Cursor from the previous page', example: undefined }),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: 'Page size (1-100)', example: 20 }),
};

export const SkillRefParam = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .openapi({ description: 'Skill id (UUID) or name', example: 'csv-to-json', param: { name: 'id', in: 'path' } }),
});

export const VersionIdParam = z.object({
  id: z
    .string()
    .uuid()
    .openapi({
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
