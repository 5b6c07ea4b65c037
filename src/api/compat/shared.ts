/**
 * What the Anthropic- and OpenAI-compatible APIs share: token auth (a Bearer token, or `x-api-key` for Anthropic),
 * their uploads (files under one top-level folder, or one zip), the version a path names, and the publishing rule.
 * Both map onto the one registry: a skill created through either is the same skill in the native API.
 */
import { z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { type Caller, hasRole } from '../../auth/caller.ts';
import { bearerAuth } from '../../auth/middleware.ts';
import { UUID } from '../../db/where.ts';
import { AppError } from '../../errors.ts';
import type { Bundle } from '../../skills/bundle.ts';
import type { Registry } from '../../skills/registry.ts';
import type { VersionRow } from '../../skills/rows.ts';
import { recordDenied } from '../audit/audit.handlers.ts';
import { type BodyLimitRule, storableRequest } from '../body-limit.ts';
import type { AppEnv } from '../context.ts';
import { FilePartSchema, FilePartsSchema, readBundleParts } from '../multipart.ts';
import { MAX_UPLOAD_BYTES } from '../skills/skills.index.ts';

/** Where the vendor APIs are mounted; their SDKs take these (plus the origin) as `baseURL`. */
export const ANTHROPIC_BASE = '/compat/anthropic/v1';
export const OPENAI_BASE = '/compat/openai/v1';

/** The upload routes of both APIs take what the native upload routes take. */
export const compatBodyLimits: BodyLimitRule[] = [ANTHROPIC_BASE, OPENAI_BASE].flatMap((base) => [
  { method: 'POST', path: `${base}/skills`, maxBytes: MAX_UPLOAD_BYTES, what: 'The upload' },
  { method: 'POST', path: `${base}/skills/:id/versions`, maxBytes: MAX_UPLOAD_BYTES, what: 'The upload' },
]);

/**
 * Authenticates an open-skills token sent as `Authorization: Bearer` or (with `apiKeyHeader`) in that header, then
 * records refusals and checks bodies as the native API does.
 */
export function compatAuth(apiKeyHeader?: string): MiddlewareHandler<AppEnv>[] {
  const auth: MiddlewareHandler<AppEnv> = (c, next) =>
    bearerAuth(() => c.var.services.authenticate, { apiKeyHeader })(c, next);
  return [auth, recordDenied, storableRequest];
}

/** The files of an upload: `files[]` (what both SDKs send for an array) or `files` (one file). */
export const UploadFilesSchema = {
  'files[]': z
    .array(FilePartSchema)
    .max(10_000)
    .optional()
    .openapi({ description: 'Files named by their path under one top-level folder, or one zip of that folder' }),
  files: FilePartsSchema.optional().openapi({ description: 'The same as files[]' }),
};

const ARCHIVE_MAGIC = [
  [0x50, 0x4b, 0x03, 0x04], // zip
  [0x1f, 0x8b], // gzip (tar.gz)
];

async function isArchive(file: File): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  return ARCHIVE_MAGIC.some((magic) => magic.every((byte, i) => head[i] === byte));
}

/** The bundle of an upload: one archive (zip or tar.gz), or files under one folder; the native limits apply. */
export async function readUpload(form: { 'files[]'?: File[]; files?: File | File[] }): Promise<Bundle> {
  const parts = [form['files[]'] ?? [], form.files ?? []].flat();
  if (parts.length === 0) {
    throw new AppError('invalid_request', 'Send the skill as "files" parts: files under one folder, or one zip', {
      errors: [{ field: 'files', message: 'required' }],
    });
  }
  if (parts.length === 1 && (await isArchive(parts[0]!))) return readBundleParts({ bundle: parts[0] });
  return readBundleParts({ 'files[]': parts });
}

/** Uploads through the vendor APIs are live at once (neither vendor has drafts) when the caller may publish. */
export const publishesOnUpload = (caller: Caller) => hasRole(caller, 'publisher');

/**
 * The version a vendor path names within a skill: its id, a semantic version, a label or "latest"; 404 when the
 * skill has no such version (a version id of another skill is not found either).
 */
export async function findVersionOf(
  registry: Registry,
  caller: Caller,
  skillRef: string,
  versionRef: string,
): Promise<VersionRow> {
  const skill = await registry.findSkill(caller, skillRef);
  const versionId = UUID.test(versionRef)
    ? versionRef
    : (await registry.resolveVersion(caller, skill.id, versionRef)).versionId;
  const version = await registry.findVersion(caller, versionId);
  if (version.skill_id !== skill.id) {
    throw new AppError('not_found', `Skill "${skill.name}" has no version "${versionRef}"`);
  }
  return version;
}

/** Deletes a skill's version named as both vendors name it (see `findVersionOf`); returns what was deleted. */
export async function deleteVersionOf(
  registry: Registry,
  caller: Caller,
  skillRef: string,
  versionRef: string,
): Promise<VersionRow> {
  const found = await findVersionOf(registry, caller, skillRef, versionRef);
  await registry.deleteVersion(caller, found.id);
  return found;
}

/** What both vendors' version objects are made of. */
export type VersionLike = Pick<VersionRow, 'id' | 'skill_id' | 'name' | 'description' | 'version'> & {
  created_at: Date | string;
};

/** OpenAI's timestamps: whole Unix seconds. */
export const unixSeconds = (value: Date | string) => Math.floor(new Date(value).getTime() / 1000);

/** A path segment naming a skill (id or name) or a version (id, number, label or "latest"). */
export const refParam = (name: string, description: string) =>
  z
    .string()
    .min(1)
    .max(128)
    .openapi({ description, param: { name, in: 'path' } });
