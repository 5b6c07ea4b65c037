import { createRoute, z } from '@hono/zod-openapi';
import { SkillRefParam } from '../../skills/schemas.ts';
import { TriggerSuiteSchema } from '../../skills/trigger-tests.ts';
import { errorResponses, json, unprocessableResponse } from '../problem.ts';

const count = z.object({ hits: z.number().int(), total: z.number().int() });

export const TriggerReportSchema = z
  .object({
    skill: z.string().openapi({ description: 'Skill name', example: 'pdf-merge' }),
    version: z
      .string()
      .nullable()
      .openapi({ description: 'The version whose tests/triggers.json was used (null: the suite was sent)' }),
    cases: z
      .array(
        z.object({
          query: z.string().openapi({ description: 'The request', example: 'merge two pdfs' }),
          expect: z.enum(['trigger', 'no_trigger']),
          rank: z.number().int().nullable().openapi({ description: 'Where the skill ranked (1 = first)', example: 1 }),
          confidence: z.number().nullable().openapi({
            description: "The router's confidence in the skill for this request (null: not among the results)",
            example: 0.86,
          }),
          matched: z.array(z.string()).openapi({
            description: "The request's stemmed words the skill has (name, tags, description or body): why it matched",
            example: ['merg', 'pdf'],
          }),
          passed: z.boolean(),
        }),
      )
      .openapi({ description: 'Every request, should-trigger first' }),
    top1: count.openapi({ description: 'Should-trigger requests that ranked the skill first' }),
    top3: count.openapi({ description: 'Should-trigger requests that ranked it within the first three' }),
    passed: z.number().int(),
    total: z.number().int(),
    rate: z.number().openapi({ description: 'passed / total', example: 0.9 }),
    top_k: z.number().int(),
    threshold: z.number(),
    ok: z.boolean().openapi({ description: 'rate >= threshold' }),
  })
  .openapi('TriggerReport');

export const run = createRoute({
  method: 'post',
  path: '/skills/{id}/triggers',
  tags: ['Router'],
  summary: 'Check trigger requests against the router: does it select this skill when it should, and only then?',
  description:
    'Runs the requests of `suite`, or of the `tests/triggers.json` in `version` (a number, label or "latest"; ' +
    'default latest). Each request is a search; the skill ranks by its newest version, drafts included, so a draft ' +
    'can be tested before it is published. A should-trigger request passes when the skill is within the first ' +
    'top_k; a should-not-trigger request passes unless the skill comes first.',
  request: {
    params: SkillRefParam,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              version: z.string().min(1).max(128).optional().openapi({ example: '1.2.0' }),
              suite: TriggerSuiteSchema.optional(),
            })
            .strict()
            .openapi('TriggerRequest'),
        },
      },
    },
  },
  responses: {
    200: json(TriggerReportSchema, 'Where the skill ranked for each request'),
    ...errorResponses,
    ...unprocessableResponse,
  },
});

export type RunRoute = typeof run;
