import type { RouteHandler } from '@hono/zod-openapi';
import { zipSync } from 'fflate';
import type { Context } from 'hono';
import { requireRole } from '../../auth/caller.ts';
import { AppError } from '../../errors.ts';
import { runVersionTests } from '../../runs/verify.ts';
import { toPromptXml } from '../../skills/prompt.ts';
import type { AppEnv } from '../context.ts';
import type {
  ContentRoute,
  DeprecateRoute,
  GetRoute,
  PublishRoute,
  SetPromptRoute,
  SkillPromptRoute,
} from './versions.routes.ts';

export const get: RouteHandler<GetRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.registry.getVersion(c.var.caller, c.req.valid('param').id), 200);

export const publish: RouteHandler<PublishRoute, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { registry, runs } = c.var.services;
  if (c.req.valid('query').require_tests === 'true') {
    requireRole(c.var.caller, 'publisher', 'publish versions');
    const version = await registry.findVersion(c.var.caller, id);
    if (version.status !== 'draft')
      throw new AppError(
        'conflict',
        `Version ${version.version} is ${version.status}; only a draft version can be published`,
      );
    const report = await runVersionTests({ registry, runs }, c.var.caller, id);
    if (report.total === 0) {
      throw new AppError('unprocessable', `${version.name} ${version.version} has no tests/*.json cases to require`);
    }
    if (report.failures.length > 0) {
      throw new AppError(
        'unprocessable',
        `${report.failures.length} of ${report.total} test cases failed; ${version.name} ${version.version} stays a draft`,
        { errors: report.failures },
      );
    }
  }
  return c.json(await registry.setStatus(c.var.caller, id, 'published'), 200);
};

export const deprecate: RouteHandler<DeprecateRoute, AppEnv> = async (c) =>
  c.json(await c.var.services.registry.setStatus(c.var.caller, c.req.valid('param').id, 'deprecated'), 200);

/** Level 3: one file, with its media type and its sha256 as a strong ETag. */
export async function file(c: Context<AppEnv>) {
  const id = c.req.param('id') ?? '';
  const path = decodeURIComponent(c.req.path.slice(`/skill-versions/${id}/files/`.length));
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
  });
}

// A fixed timestamp keeps downloads of the same version byte-identical.
const ZIP_MTIME = new Date('2000-01-01T00:00:00Z');

export const content: RouteHandler<ContentRoute, AppEnv> = async (c) => {
  const { version, files } = await c.var.services.registry.readAllFiles(c.var.caller, c.req.valid('param').id);
  const entries: Record<string, [Uint8Array, { mtime: Date }]> = {};
  for (const f of files) entries[`${version.name}/${f.path}`] = [new Uint8Array(f.content), { mtime: ZIP_MTIME }];
  const zip = zipSync(entries, { level: 6 });
  return c.body(zip, 200, {
    'content-type': 'application/zip',
    'content-length': String(zip.length),
    'content-disposition': `attachment; filename="${version.name}-${version.version}.zip"`,
    etag: `"${version.sha256}"`,
  }) as never;
};

const baseUrl = (c: Context<AppEnv>) => c.var.deps.publicUrl ?? new URL(c.req.url).origin;
const skillMdLocation = (c: Context<AppEnv>, versionId: string) =>
  `${baseUrl(c)}/skill-versions/${versionId}/files/SKILL.md`;

export const skillPrompt: RouteHandler<SkillPromptRoute, AppEnv> = async (c) => {
  const skill = await c.var.services.registry.findSkill(c.var.caller, c.req.valid('param').id);
  if (!skill.latest_version_id) throw new AppError('not_found', `Skill "${skill.name}" has no published version`);
  const xml = toPromptXml([
    { name: skill.name, description: skill.description, location: skillMdLocation(c, skill.latest_version_id) },
  ]);
  return c.body(xml, 200, { 'content-type': 'application/xml; charset=utf-8' }) as never;
};

export const setPrompt: RouteHandler<SetPromptRoute, AppEnv> = async (c) => {
  const { registry } = c.var.services;
  const names = c.req.valid('json').skills;
  const skills = names
    ? await Promise.all(names.map((name) => registry.findSkill(c.var.caller, name)))
    : await registry.listAllPublished(c.var.caller);
  const xml = toPromptXml(
    skills
      .filter((s) => s.latest_version_id)
      .map((s) => ({ name: s.name, description: s.description, location: skillMdLocation(c, s.latest_version_id!) })),
  );
  return c.body(xml, 200, { 'content-type': 'application/xml; charset=utf-8' }) as never;
};
