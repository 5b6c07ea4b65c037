import { createRoute, z } from '@hono/zod-openapi';
import { ArtifactSchema, RunPageSchema, RunRequestSchema, RunSchema, RunStatusSchema } from '../../runs/schemas.ts';
import { CursorQuery, SkillRefParam } from '../../skills/schemas.ts';
import { FilePartSchema, jsonPart, readFileParts } from '../multipart.ts';
import { conflictResponse, errorResponses, json, tooLargeResponse } from '../problem.ts';

export const RunIdParam = z.object({
  id: z
    .string()
    .uuid()
    .openapi({
      description: 'Run id',
      example: '019a8a47-9000-7000-9000-000000000002',
      param: { name: 'id', in: 'path' },
    }),
});

/** A run request as JSON; the output matches the multipart form's, so the handler reads either the same way. */
const RunJsonBody = RunRequestSchema.transform((request) => ({ request, files: new Map<string, Uint8Array>() }));

export const RunMultipartSchema = z
  .looseObject({
    request: jsonPart(RunRequestSchema, 'The RunRequest as JSON', '{"skill":"csv-to-json","input":{"csv":"data.csv"}}'),
    'files[]': z.array(FilePartSchema).optional().openapi({
      description: 'Files for ctx.files, each named by its filename; any other file part is named by its field name',
    }),
  })
  .openapi('RunMultipart')
  .transform(async (form) => ({ request: form.request, files: await readFileParts(form, 'files') }));

const RunListQuery = z.object({
  status: RunStatusSchema.optional(),
  skill: z.string().max(128).optional().openapi({ description: 'Skill name or id', example: 'csv-to-json' }),
  since: z
    .string()
    .datetime({ offset: true })
    .optional()
    .openapi({ description: 'Only runs created at or after this time', example: '2026-11-24T00:00:00Z' }),
  parent_run_id: z
    .string()
    .uuid()
    .optional()
    .openapi({ description: 'Only the children of this run', example: '019a8a47-9000-7000-9000-000000000002' }),
  ...CursorQuery,
});

const EventsQuery = z.object({
  format: z.enum(['events', 'ui-message-stream']).default('events').openapi({
    description: 'events: named Server-Sent Events; ui-message-stream: the AI SDK UI message stream protocol',
    example: 'ui-message-stream',
  }),
});

export const create = createRoute({
  method: 'post',
  path: '/runs',
  tags: ['Runs'],
  summary: 'Run a skill (or a chain / parallel composition); synchronous unless async is true',
  description:
    'Any member runs the published versions they see; a draft needs role author or higher. 201: the finished run, whatever its status (a failing skill is a failed run, not ' +
    'an HTTP error; invalid input is a failed run with error.type invalid_input and error.errors; an ' +
    'instruction-only skill is a failed run with not_runnable). 202 with async: the queued run. 404: unknown ' +
    'skill or version. Multipart: a "request" JSON part and file parts for ctx.files.',
  request: {
    body: {
      required: true,
      content: {
        'application/json': { schema: RunJsonBody },
        'multipart/form-data': { schema: RunMultipartSchema },
      },
    },
  },
  responses: {
    201: json(RunSchema, 'The finished run'),
    202: json(RunSchema, 'The queued run (async: true)'),
    ...errorResponses,
    ...tooLargeResponse,
  },
});

export const list = createRoute({
  method: 'get',
  path: '/runs',
  tags: ['Runs'],
  summary: 'List the runs the caller may see (their own; an admin all), newest first',
  request: { query: RunListQuery },
  responses: { 200: json(RunPageSchema, 'A page of runs'), ...errorResponses },
});

export const skillRuns = createRoute({
  method: 'get',
  path: '/skills/{id}/runs',
  tags: ['Runs'],
  summary: 'List the runs of one skill, newest first',
  request: { params: SkillRefParam, query: RunListQuery.omit({ skill: true }) },
  responses: { 200: json(RunPageSchema, 'A page of runs'), ...errorResponses },
});

export const get = createRoute({
  method: 'get',
  path: '/runs/{id}',
  tags: ['Runs'],
  summary: 'Get a run',
  request: { params: RunIdParam },
  responses: { 200: json(RunSchema, 'The run'), ...errorResponses },
});

export const cancel = createRoute({
  method: 'post',
  path: '/runs/{id}/cancel',
  tags: ['Runs'],
  summary: 'Cancel a queued or running run (who started it, or an admin); answers once it has stopped',
  request: { params: RunIdParam },
  responses: { 200: json(RunSchema, 'The cancelled run'), ...errorResponses, ...conflictResponse },
});

export const events = createRoute({
  method: 'get',
  path: '/runs/{id}/events',
  tags: ['Runs'],
  summary: 'Server-Sent Events of a run from its start: status, log, artifact, child, then done (the full run)',
  description:
    'format=events (the default): named events status, log, artifact, child and done. format=ui-message-stream: ' +
    'the AI SDK UI message stream protocol (header x-vercel-ai-ui-message-stream: v1): data chunks start, ' +
    'tool-input-available, data-log, data-child, file, tool-output-available or tool-output-error, finish, then ' +
    '[DONE].',
  request: { params: RunIdParam, query: EventsQuery },
  responses: {
    200: {
      description: 'An event stream; replays past events first and ends after "done" (or "[DONE]")',
      content: { 'text/event-stream': { schema: z.string() } },
    },
    ...errorResponses,
  },
});

export const artifacts = createRoute({
  method: 'get',
  path: '/runs/{id}/artifacts',
  tags: ['Artifacts'],
  summary: 'List the artifacts of a run',
  request: { params: RunIdParam },
  responses: {
    200: json(z.object({ data: z.array(ArtifactSchema) }).openapi('ArtifactList'), 'The artifacts'),
    ...errorResponses,
  },
});

export type CreateRoute = typeof create;
export type ListRoute = typeof list;
export type SkillRunsRoute = typeof skillRuns;
export type GetRoute = typeof get;
export type CancelRoute = typeof cancel;
export type EventsRoute = typeof events;
export type ArtifactsRoute = typeof artifacts;
