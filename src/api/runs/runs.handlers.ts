import type { RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { uiMessageChunks } from '../../runs/ui-message-stream.ts';
import type { AppEnv } from '../context.ts';
import { isMultipart } from '../multipart.ts';
import type {
  ArtifactsRoute,
  CancelRoute,
  CreateRoute,
  EventsRoute,
  GetRoute,
  ListRoute,
  SkillRunsRoute,
} from './runs.routes.ts';

/** POST /runs (JSON, or multipart with files for ctx.files): 201 with the finished run, or 202 when async. */
export const create: RouteHandler<CreateRoute, AppEnv> = async (c) => {
  const { request, files } = isMultipart(c) ? c.req.valid('form') : c.req.valid('json');
  const { status, run } = await c.var.services.runs.start(c.var.caller, request, files);
  return c.json(run, status);
};

export const list: RouteHandler<ListRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.runs.list(c.var.caller, c.req.valid('query')), 200);

export const skillRuns: RouteHandler<SkillRunsRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.runs.listForSkill(c.var.caller, c.req.valid('param').id, c.req.valid('query')), 200);

export const get: RouteHandler<GetRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.runs.get(c.var.caller, c.req.valid('param').id), 200);

export const cancel: RouteHandler<CancelRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.runs.cancel(c.var.caller, c.req.valid('param').id), 200);

export const artifacts: RouteHandler<ArtifactsRoute, AppEnv> = async (c) =>
  c.json({ data: await c.var.services.runs.listArtifacts(c.var.caller, c.req.valid('param').id) }, 200);

/** A run's events as Server-Sent Events, from its start to `done` (the API's and the console's stream). */
export async function runEventStream<E extends AppEnv>(c: Context<E>, runId: string): Promise<Response> {
  const stream = await c.var.services.runs.events(c.var.caller, runId, c.req.raw.signal);
  return streamSSE(c, async (sse) => {
    let id = 0;
    for await (const event of stream) {
      await sse.writeSSE({ event: event.event, data: JSON.stringify(event.data), id: String(id++) });
    }
  });
}

/**
 * A run as the AI SDK UI message stream: `data: <chunk>` messages, then `data: [DONE]`. Artifact URLs are absolute,
 * under PUBLIC_URL or the request's origin.
 */
async function uiMessageStream(c: Context<AppEnv>, runId: string): Promise<Response> {
  const { runs, publicUrl } = c.var.services;
  const run = await runs.get(c.var.caller, runId);
  const stream = await runs.events(c.var.caller, runId, c.req.raw.signal);
  const chunks = uiMessageChunks(run, stream, publicUrl ?? new URL(c.req.url).origin);
  c.header('x-vercel-ai-ui-message-stream', 'v1');
  c.header('x-accel-buffering', 'no');
  return streamSSE(c, async (sse) => {
    for await (const chunk of chunks) await sse.writeSSE({ data: JSON.stringify(chunk) });
    await sse.writeSSE({ data: '[DONE]' });
  });
}

export const events: RouteHandler<EventsRoute, AppEnv> = (c) => {
  const { id } = c.req.valid('param');
  return c.req.valid('query').format === 'ui-message-stream' ? uiMessageStream(c, id) : runEventStream(c, id);
};
