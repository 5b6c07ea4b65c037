/** The run API's objects. The run's parts (status, error, logs, usage, artifacts) are the runtime's contracts. */
import { z } from 'zod';
import { ArtifactSchema, LogLineSchema, RunErrorSchema, RunStatusSchema, RunUsageSchema } from '../runtime/schemas.ts';
import { pageOf, timestamp } from '../schemas.ts';

export { ArtifactSchema, RunStatusSchema };

export const RunSchema = z
  .object({
    id: z.string().uuid().meta({ description: 'Run id', example: '019a8a47-9000-7000-9000-000000000002' }),
    skill: z.string().nullable().meta({
      description: 'Skill name; "chain" or "parallel" for an API-level composition',
      example: 'csv-to-json',
    }),
    skill_id: z.string().uuid().nullable().meta({ description: 'Skill id; null for a composition', example: null }),
    skill_version_id: z.string().uuid().nullable().meta({ description: 'Version that ran', example: null }),
    version: z.string().nullable().meta({ description: 'Semantic version that ran', example: '1.2.0' }),
    status: RunStatusSchema,
    input: z.unknown().meta({ description: 'The JSON input', example: { csv: 'a,b\n1,2' } }),
    output: z.unknown().meta({ description: 'The JSON output; null until succeeded', example: { rows: 1 } }),
    error: RunErrorSchema.nullable(),
    logs: z.array(LogLineSchema).meta({ description: 'Captured console and ctx.log lines' }),
    artifacts: z.array(ArtifactSchema).meta({ description: 'Files the run wrote (kept only when it succeeded)' }),
    usage: RunUsageSchema,
    parent_run_id: z
      .string()
      .uuid()
      .nullable()
      .meta({ description: 'The run that started this one (callSkill, chain, parallel)', example: null }),
    created_at: timestamp('When the run was requested'),
    started_at: timestamp('When it started').nullable(),
    finished_at: timestamp('When it ended').nullable(),
    duration_ms: z.number().int().nullable().meta({ description: 'From start to end', example: 4 }),
    truncated: z
      .array(z.enum(['input', 'output', 'logs']))
      .optional()
      .meta({
        description:
          'Listings only: fields too large to list, shown as {truncated, bytes} (logs: the first lines); GET /runs/{id} has them whole',
        example: ['output'],
      }),
  })
  .meta({ id: 'Run' });

export const RunPageSchema = pageOf(RunSchema, 'RunPage');

const skillRef = z.string().min(1).max(128).meta({ description: 'Skill name or id', example: 'csv-to-json' });
const versionRef = z.string().min(1).max(128).optional().meta({
  description: 'A semantic version, a label (e.g. "production") or "latest" (the default: highest published)',
  example: 'latest',
});

export const RunStepSchema = z
  .object({
    skill: skillRef,
    version: versionRef,
    input: z
      .unknown()
      .optional()
      .meta({ description: 'Input of this step (chain: only the first step; later steps get the previous output)' }),
  })
  .strict()
  .meta({ id: 'RunStep' });

export const MAX_STEPS = 20;

export const RunRequestSchema = z
  .object({
    skill: skillRef.optional(),
    version: versionRef,
    input: z
      .unknown()
      .optional()
      .meta({ description: 'JSON input of the skill', example: { name: 'Ada' } }),
    timeout_ms: z.number().int().min(1).max(3_600_000).optional().meta({
      description: 'Deadline for the whole run; capped by SKILL.md and the server maximum',
      example: 10000,
    }),
    async: z
      .boolean()
      .default(false)
      .meta({ description: 'true: answer 202 with the queued run at once', example: false }),
    chain: z
      .array(RunStepSchema)
      .min(1)
      .max(MAX_STEPS)
      .optional()
      .meta({ description: "Steps run one after another; each step's output is the next step's input" }),
    parallel: z
      .array(RunStepSchema)
      .min(1)
      .max(MAX_STEPS)
      .optional()
      .meta({ description: 'Steps run at once; the output is the array of their outputs' }),
  })
  .strict()
  .refine((r) => [r.skill, r.chain, r.parallel].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of skill, chain or parallel',
    path: ['skill'],
  })
  .meta({ id: 'RunRequest' });

export type RunDto = z.infer<typeof RunSchema>;
export type ArtifactDto = z.infer<typeof ArtifactSchema>;
export type RunRequest = z.infer<typeof RunRequestSchema>;
export type RunStep = z.infer<typeof RunStepSchema>;
