import type { RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import { zipFiles } from '../../skills/pack.ts';
import type { AppEnv, AppServices } from '../context.ts';
import { decodedSegment, UNTRUSTED_BYTES_HEADERS } from '../untrusted-bytes.ts';
import type {
  ContentByRefRoute,
  ContentRoute,
  DeprecateRoute,
  GetByRefRoute,
  GetRoute,
  PublishRoute,
  SetPromptRoute,
  SkillPromptRoute,
} from './versions.routes.ts';

export const get: RouteHandler<GetRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.registry.getVersion(c.var.caller, c.req.valid('param').id), 200);

export const publish: RouteHandler<PublishRoute, AppEnv> = async (c) => {
  const requireTests = c.req.valid('query').require_tests === 'true';
  const version = await c.var.services.publisher.publish(c.var.caller, c.req.valid('param').id, { requireTests });
  return c.json(version, 200);
};

export const deprecate: RouteHandler<DeprecateRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.registry.setStatus(c.var.caller, c.req.valid('param').id, 'deprecated'), 200);

/** Level 3: one file, with its media type and its sha256 as a strong ETag. */
export async function file(c: Context<AppEnv>) {
  const id = c.req.param('id') ?? '';
  const path = decodedSegment(c.req.path.slice(`/skill-versions/${id}/files/`.length));
  if (path === undefined) throw new AppError('not_found', 'No file by that name (the path is not a valid URL escape)');
  if (!path) throw new AppError('invalid_request', 'Name a file: /skill-versions/{id}/files/{path}');
  const { file: found } = await c.var.services.registry.readFile(c.var.caller, id, path);
  const etag = `"${found.sha256}"`;
  if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag });
  return c.body(new Uint8Array(found.content), 200, {
    'content-type':
      found.mime.startsWith('text/') || found.mime === 'application/json' ? `${found.mime}; charset=utf-8` : found.mime,
    'content-length': String(found.size),
    etag,
    'cache-control': 'private, max-age=31536000, immutable',
    ...UNTRUSTED_BYTES_HEADERS,
  });
}

/** A whole version as a zip (one top-level folder named after the skill): the API's and the console's download. */
export async function versionZipResponse<E extends AppEnv>(c: Context<E>, versionId: string): Promise<Response> {
  const services: AppServices = c.var.services;
  const { version, files } = await services.registry.readAllFiles(c.var.caller, versionId);
  const zip = zipFiles(
    files.map((f) => ({ path: f.path, data: new Uint8Array(f.content) })),
    version.name,
  );
  return c.body(zip, 200, {
    'content-type': 'application/zip',
    'content-length': String(zip.length),
    // Names may be any script; filename* carries them (RFC 6266), headers themselves stay ASCII.
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(`${version.name}-${version.version}.zip`)}`,
    etag: `"${version.sha256}"`,
  });
}

export const content: RouteHandler<ContentRoute, AppEnv> = (c) => versionZipResponse(c, c.req.valid('param').id);

export const getByRef: RouteHandler<GetByRefRoute, AppEnv> = async (c) => {
  const { id, version } = c.req.valid('param');
  return c.json(await c.var.services.registry.getVersionByRef(c.var.caller, id, version), 200);
};

export const contentByRef: RouteHandler<ContentByRefRoute, AppEnv> = async (c) => {
  const { id, version } = c.req.valid('param');
  const { versionId } = await c.var.services.registry.resolveVersion(c.var.caller, id, version);
  return versionZipResponse(c, versionId);
};

const xml = (c: Context<AppEnv>, text: string) =>
  c.body(text, 200, { 'content-type': 'application/xml; charset=utf-8' });

export const skillPrompt: RouteHandler<SkillPromptRoute, AppEnv> = async (c) => {
  const origin = new URL(c.req.url).origin;
  return xml(c, await c.var.services.prompts.forSkill(c.var.caller, c.req.valid('param').id, origin));
};

export const setPrompt: RouteHandler<SetPromptRoute, AppEnv> = async (c) => {
  const origin = new URL(c.req.url).origin;
  const { top_k: topK, ...selection } = c.req.valid('json');
  return xml(c, await c.var.services.prompts.forSkills(c.var.caller, { ...selection, topK }, origin));
};
