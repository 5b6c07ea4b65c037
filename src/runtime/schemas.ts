/**
 * The run contracts shared by the sandbox, the run service and the API, declared once as zod schemas: the
 * runtime's TypeScript types (`types.ts`) are inferred from them and the API's run objects are built from them.
 */
import { z } from 'zod';
import { FieldErrorSchema } from '../errors.ts';
import { timestamp } from '../schemas.ts';

export const RunStatusSchema = z
  .enum(['queued', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled'])
  .meta({ description: 'Where the run is; the last four are final', example: 'succeeded' });

/** The statuses a run ends with. */
export const FINAL_STATUSES = ['succeeded', 'failed', 'timed_out', 'cancelled'] as const satisfies z.infer<
  typeof RunStatusSchema
>[];

export const RunErrorTypeSchema = z
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
  .meta({ description: 'What kind of failure', example: 'skill_error' });

export const RunErrorSchema = z
  .object({
    type: RunErrorTypeSchema,
    message: z.string().meta({ description: 'What went wrong', example: 'broken 21' }),
    stack: z.string().optional().meta({
      description: "The skill's own stack, mapped to bundle files",
      example: 'Error: broken 21\n    at run (scripts/main.ts:5:9)',
    }),
    errors: z.array(FieldErrorSchema).optional().meta({ description: 'For invalid_input: every invalid field' }),
  })
  .meta({ id: 'RunError', description: 'Why a run did not succeed' });

export const LogLineSchema = z
  .object({
    level: z.enum(['debug', 'info', 'warn', 'error']).meta({ description: 'Log level', example: 'info' }),
    message: z.string().meta({ description: 'The line', example: 'parsed 12 rows' }),
    time: timestamp('When it was written'),
  })
  .meta({ id: 'LogLine' });

export const RunUsageSchema = z
  .object({
    wall_ms: z.number().meta({ description: 'Wall-clock time in the sandbox', example: 3 }),
    cpu_ms: z.number().meta({ description: 'Isolate CPU time', example: 1.2 }),
    memory_peak_bytes: z.number().int().meta({ description: 'Peak isolate heap', example: 1048576 }),
  })
  .meta({ id: 'RunUsage', description: 'Resources a run used' });

/** A file a run wrote, as the API, the event stream and run listings show it. */
export const ArtifactSchema = z
  .object({
    id: z.string().uuid().meta({ description: 'Artifact id', example: '019a8a47-9000-7000-9000-000000000001' }),
    run_id: z
      .string()
      .uuid()
      .meta({ description: 'Run that wrote it', example: '019a8a47-9000-7000-9000-000000000002' }),
    name: z.string().meta({ description: 'Name the skill gave it', example: 'report.pdf' }),
    size: z.number().int().meta({ description: 'Size in bytes', example: 20480 }),
    mime_type: z.string().meta({ description: 'Media type', example: 'application/pdf' }),
    sha256: z.string().meta({ description: 'SHA-256 of the content, hex; also the ETag', example: '9f86d081...' }),
    url: z
      .string()
      .meta({ description: 'Where to download it', example: '/artifacts/019a8a47-9000-7000-9000-000000000001' }),
    created_at: timestamp('When it was stored'),
  })
  .meta({ id: 'Artifact' });

/**
 * What `ctx.artifacts.write` resolves to inside a skill: the artifact's own fields, with the media type spelled
 * `mimeType` as the guest API (and the README) spell the option it was written with.
 */
export const ArtifactInfoSchema = ArtifactSchema.pick({ id: true, name: true, size: true, sha256: true }).extend({
  mimeType: ArtifactSchema.shape.mime_type,
});
