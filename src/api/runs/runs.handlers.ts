import type { RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { AppError } from '../../errors.ts';
import { RunRequestSchema } from '../../runs/schemas.ts';
import type { AppEnv } from '../context.ts';
import { fieldErrors } from '../problem.ts';
import type { ArtifactsRoute, CancelRoute, EventsRoute, GetRoute, ListRoute, SkillRunsRoute } from './runs.routes.ts';

/** Reads a run request: JSON, or multipart with a `request` JSON part and file parts for ctx.files. */
async function readRunRequest(c: Context<AppEnv>) {
  const contentType = c.req.header('content-type') ?? '';
  const files = new Map<string, Uint8Array>();
  let raw: unknown;
  if (contentType.startsWith('multipart/form-data')) {
    let form: Record<string, unknown>;
    try {
      form = await c.req.parseBody({ all: true });
    } catch {
      throw new AppError('invalid_request', 'The multipart body cannot be read');
    }
    const part = form['request'];
    const request = part instanceof File ? await part.text() : part;
    if (typeof request !== 'string') {
      throw new AppError('invalid_request', 'Send the run request as a "request" JSON part', {
        errors: [{ field: 'body.request', message: 'required' }],
      });
    }
    try {
      raw = JSON.parse(request);
    } catch {
      throw new AppError('invalid_request', 'The "request" part is not JSON', {
        errors: [{ field: 'body.request', message: 'must be JSON' }],
      });
    }
    for (const [field, value] of Object.entries(form)) {
      if (field === 'request') continue;
      for (const part of [value].flat()) {
        if (!(part instanceof File)) continue;
        const name = field === 'files' || field === 'files[]' ? part.name : field;
        files.set(name, new Uint8Array(await part.arrayBuffer()));
      }
    }
  } else if (contentType.startsWith('application/json')) {
    raw = await c.req.json().catch(() => {
      throw new AppError('invalid_request', 'The request body is not JSON');
    });
  } else {
    throw new AppError('unsupported_media_type', 'Send the run request as application/json or multipart/form-data');
  }
  const parsed = RunRequestSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('invalid_request', 'The run request is not valid', {
      errors: fieldErrors(parsed.error.issues, 'body'),
    });
  }
  return { request: parsed.data, files };
}

/** POST /runs: 201 with the finished run, or 202 with the queued run when async. */
export async function create(c: Context<AppEnv>) {
  const { request, files } = await readRunRequest(c);
  const { status, run } = await c.var.services.runs.start(c.var.caller, request, files);
  return c.json(run, status);
}

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

export const events: RouteHandler<EventsRoute, AppEnv> = async (c) => {
  const stream = await c.var.services.runs.events(c.var.caller, c.req.valid('param').id, c.req.raw.signal);
  return streamSSE(c, async (sse) => {
    let id = 0;
    for await (const event of stream) {
      await sse.writeSSE({ event: event.event, data: JSON.stringify(event.data), id: String(id++) });
    }
  }) as never;
};
