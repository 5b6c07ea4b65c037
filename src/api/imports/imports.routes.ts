import { createRoute, z } from '@hono/zod-openapi';
import { FieldErrorSchema } from '../../errors.ts';
import { IMPORT_LIMITS } from '../../skills/import.ts';
import { VisibilitySchema } from '../../skills/schemas.ts';
import { FilePartSchema, flagPart } from '../multipart.ts';
import { errorResponses, json, tooLargeResponse, unprocessableResponse } from '../problem.ts';

const OutcomeSchema = z.enum(['created', 'updated', 'unchanged', 'refused']).openapi({
  description:
    '"created": a new skill; "updated": a new version of the skill of that name; "unchanged": its content is ' +
    'already stored; "refused": see detail and errors',
  example: 'created',
});

export const ImportResultSchema = z
  .object({
    skills: z
      .array(
        z
          .object({
            path: z.string().openapi({ description: 'The skill folder in the archive', example: 'skills/pdf' }),
            name: z.string().nullable().openapi({ description: 'Skill name', example: 'pdf' }),
            outcome: OutcomeSchema,
            version: z.string().nullable().openapi({ description: 'The version stored or found', example: '1.0.0' }),
            version_id: z.string().uuid().nullable().openapi({ description: 'Its id', example: null }),
            warnings: z.array(FieldErrorSchema).openapi({ description: 'Accepted, but worth fixing' }),
            errors: z.array(FieldErrorSchema).openapi({ description: 'Why it was refused, by field' }),
            detail: z.string().nullable().openapi({ description: 'Why it was refused', example: null }),
          })
          .openapi('ImportedSkill'),
      )
      .openapi({ description: 'One entry per skill folder, in path order' }),
    counts: z
      .object({
        created: z.number().int(),
        updated: z.number().int(),
        unchanged: z.number().int(),
        refused: z.number().int(),
      })
      .openapi({ description: 'How many skills had each outcome' }),
  })
  .openapi('ImportResult');

export const importSkills = createRoute({
  method: 'post',
  path: '/skills/import',
  tags: ['Skills'],
  summary: 'Import every skill folder (any folder with a SKILL.md) of one archive',
  description:
    `A zip or tar.gz of up to ${IMPORT_LIMITS.maxArchiveBytes / 1024 / 1024} MB holding at most ` +
    `${IMPORT_LIMITS.maxSkills} skills (${IMPORT_LIMITS.archive.maxFiles} files, ` +
    `${IMPORT_LIMITS.archive.maxUncompressedBytes / 1024 / 1024} MB unpacked); each skill is held to the bundle ` +
    'limits and imported on its own: one refused skill never stops the others. Two folders with the same name: the ' +
    'first (in path order) is imported, the second refused as a name clash.',
  request: {
    body: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: z
            .object({
              archive: FilePartSchema.openapi({ description: 'A zip or tar.gz holding skill folders' }),
              publish: flagPart('Publish each new version at once (publisher role)'),
              visibility: VisibilitySchema.optional(),
            })
            .openapi('ImportRequest'),
        },
      },
    },
  },
  responses: {
    200: json(ImportResultSchema, 'What happened to each skill'),
    ...errorResponses,
    ...tooLargeResponse,
    ...unprocessableResponse,
  },
});

export type ImportRoute = typeof importSkills;
