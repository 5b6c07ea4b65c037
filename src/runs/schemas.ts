import { z } from '@hono/zod-openapi';
import { FieldErrorSchema } from '../errors.ts';
import { pageOf } from '../skills/schemas.ts';

const timestamp = (description: string) =>
  z.string().openapi({ description, example: '2026-11-24T08:00:00.000Z', format: 'date-time' });

export const RunStatusSchema = z
  .enum(['queued', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled'])
  .openapi({ description: 'Where the run is; the last four are final', example: 'succeeded' });

export const RunErrorSchema = z
  .object({
    type: z
      .enum([
        'invalid_input',
        'skill_error',
        'timeout',
        'memory_limit',
        'cpu_limit',
        'output_too_large',
        'network_denied',
        'not_runnable',
        'cancelled',
        'limit_exceeded',
        'infrastructure_error',
      ])
      .openapi({ description: 'What kind of failure', example: 'skill_error' }),
    message: z.string().openapi({ description: 'What went wrong', example: 'broken 21' }),
    stack: z.string().optional().openapi({
      description: "The skill's own stack, mapped to bundle files",
      example: 'Error: broken 21\n    at run (scripts/main.ts:5:9)',
    }),
    errors: z.array(FieldErrorSchema).optional().openapi({ description: 'For invalid_input: every invalid field' }),
  })
  .openapi('RunError');

export const LogLineSchema = z
  .object({
    level: z.enum(['debug', 'info', 'warn', 'error']).openapi({ description: 'Log level', example: 'info' }),
    message: z.string().openapi({ description: 'The line', example: 'parsed 12 rows' }),
    time: timestamp('When it was written'),
  })
  .openapi('LogLine');

export const ArtifactSchema = z
  .object({
    id: z.string().uuid().openapi({ description: 'Artifact id', example: '019a8a47-9000-7000-9000-000000000001' }),
    run_id: z
      .string()
      .uuid()
      .openapi({ description: 'Run that wrote it', example: '019a8a47-9000-7000-9000-000000000002' }),
    name: z.string().openapi({ description: 'Name the skill gave it', example: 'report.pdf' }),
    size: z.number().int().openapi({ description: 'Size in bytes', example: 20480 }),
    mime_type: z.string().openapi({ description: 'Media type', example: 'application/pdf' }),
    sha256: z.string().openapi({ description: 'SHA-256 of the content, hex; also the ETag', example: '9f86d081...' }),
    url: z
      .string()
      .openapi({ description: 'Where to download it', example: '/artifacts/019a8a47-9000-7000-9000-000000000001' }),
    created_at: timestamp('When it was stored'),
  })
  .openapi('Artifact');

export const RunUsageSchema = z
  .object({
    wall_ms: z.number().openapi({ description: 'Wall-clock time in the sandbox', example: 3 }),
    cpu_ms: z.number().openapi({ description: 'Isolate CPU time', example: 1.2 }),
    memory_peak_bytes: z.number().int().openapi({ description: 'Peak isolate heap', example: 1048576 }),
  })
  .openapi('RunUsage');

export const RunSchema = z
  .object({
    id: z.string().uuid().openapi({ description: 'Run id', example: '019a8a47-9000-7000-9000-000000000002' }),
    skill: z.string().nullable().openapi({
      description: 'Skill name; "chain" or "parallel" for an API-level composition',
      example: 'csv-to-json',
    }),
    skill_id: z.string().uuid().nullable().openapi({ description: 'Skill id; null for a composition', example: null }),
    skill_version_id: z.string().uuid().nullable().openapi({ description: 'Version that ran', example: null }),
    version: z.string().nullable().openapi({ description: 'Semantic version that ran', example: '1.2.0' }),
    status: RunStatusSchema,
    input: z.unknown().openapi({ description: 'The JSON input', example: { csv: 'a,b\n1,2' } }),
    output: z.unknown().openapi({ description: 'The JSON output; null until succeeded', example: { rows: 1 } }),
    error: RunErrorSchema.nullable().openapi({ description: 'Why it did not succeed; null otherwise' }),
    logs: z.array(LogLineSchema).openapi({ description: 'Captured console and ctx.log lines' }),
    artifacts: z.array(ArtifactSchema).openapi({ description: 'Files the run wrote (kept only when it succeeded)' }),
    usage: RunUsageSchema.openapi({ description: 'Resources used' }),
    parent_run_id: z
      .string()
      .uuid()
      .nullable()
      .openapi({ description: 'The run that started this one (callSkill, chain, parallel)', example: null }),
    created_at: timestamp('When the run was requested'),
    started_at: timestamp('When it started').nullable(),
    finished_at: timestamp('When it ended').nullable(),
    duration_ms: z.number().int().nullable().openapi({ description: 'From start to end', example: 4 }),
  })
  .openapi('Run');

export const RunPageSchema = pageOf(RunSchema, 'RunPage');

const skillRef = z.string().min(1).max(128).openapi({ description: 'Skill name or id', example: 'csv-to-json' });
const versionRef = z
  .string()
  .regex(/^(latest|\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?)$/, 'semver or "latest"')
  .optional()
  .openapi({ description: 'A semantic version or "latest" (the default: highest published)', example: 'latest' });

export const RunStepSchema = z
  .object({
    skill: skillRef,
    version: versionRef,
    input: z
      .unknown()
      .optional()
      .openapi({ description: 'Input of this step (chain: only the first step; later steps get the previous output)' }),
  })
  .strict()
  .openapi('RunStep');

export const MAX_STEPS = 20;

export const RunRequestSchema = z
  .object({
    skill: skillRef.optional(),
    version: versionRef,
    input: z
      .unknown()
      .optional()
      .openapi({ description: 'JSON input of the skill', example: { name: 'Ada' } }),
    timeout_ms: z.number().int().min(1).max(3_600_000).optional().openapi({
      description: 'Deadline for the whole run; capped by SKILL.md and the server maximum',
      example: 10000,
    }),
    async: z
      .boolean()
      .default(false)
      .openapi({ description: 'true: answer 202 with the queued run at once', example: false }),
    chain: z
      .array(RunStepSchema)
      .min(1)
      .max(MAX_STEPS)
      .optional()
      .openapi({ description: "Steps run one after another; each step's output is the next step's input" }),
    parallel: z
      .array(RunStepSchema)
      .min(1)
      .max(MAX_STEPS)
      .optional()
      .openapi({ description: 'Steps run at once; the output is the array of their outputs' }),
  })
  .strict()
  .refine((r) => [r.skill, r.chain, r.parallel].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of skill, chain or parallel',
    path: ['skill'],
  })
  .openapi('RunRequest');

export type RunDto = z.infer<typeof RunSchema>;
export type ArtifactDto = z.infer<typeof ArtifactSchema>;
export type RunRequest = z.infer<typeof RunRequestSchema>;
export type RunStep = z.infer<typeof RunStepSchema>;
