import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import type { AppEnv } from '../context.ts';
import { decodedSegment, UNTRUSTED_BYTES_HEADERS } from '../untrusted-bytes.ts';

/** An organisation name as tokens carry it; anything else matches no organisation. */
const MAX_ORG = 128;
const MAX_NAME = 64;
const MAX_PATH = 1024;

const notFound = () => new AppError('not_found', 'No public skill or file by that name');

/** The index of `org`'s public skills: name, description, version, files and their digests. */
export async function index(c: Context<AppEnv>, org: string) {
  if (org.length > MAX_ORG) throw notFound();
  const skills = await c.var.services.publicSkills.list(org);
  const body = {
    skills: skills.map((skill) => ({
      name: skill.name,
      description: skill.description,
      version: skill.version,
      files: skill.files.map((f) => f.path),
      digests: Object.fromEntries(skill.files.map((f) => [f.path, `sha256:${f.sha256}`])),
    })),
  };
  return c.json(body, 200, { 'cache-control': 'public, max-age=60' });
}

/**
 * One file of a public skill. Author-written bytes on the server's own origin: the policy forbids scripts and
 * sniffing, so an HTML or SVG file cannot act on the console's origin.
 */
export async function file(c: Context<AppEnv>, org: string, rest: string) {
  const slash = rest.indexOf('/');
  const name = decodedSegment(rest.slice(0, slash));
  const path = decodedSegment(rest.slice(slash + 1));
  const tooLong = org.length > MAX_ORG || (name?.length ?? 0) > MAX_NAME || (path?.length ?? 0) > MAX_PATH;
  if (slash < 1 || !name || !path || tooLong) throw notFound();
  const found = await c.var.services.publicSkills.readFile(org, name, path);
  if (!found) throw notFound();
  const headers = {
    etag: `"${found.sha256}"`,
    'cache-control': 'public, max-age=60',
    ...UNTRUSTED_BYTES_HEADERS,
  };
  if (c.req.header('if-none-match') === headers.etag) return c.body(null, 304, headers);
  const text = found.mime.startsWith('text/') || found.mime === 'application/json';
  return c.body(new Uint8Array(found.content), 200, {
    ...headers,
    'content-type': text ? `${found.mime}; charset=utf-8` : found.mime,
    'content-length': String(found.size),
  });
}
