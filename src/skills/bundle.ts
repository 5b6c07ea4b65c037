import { createHash } from 'node:crypto';
import mime from 'mime-types';
import { AppError, type FieldError } from '../errors.ts';
import { checkPath, type RawFile } from './archive.ts';
import { type ParsedSkillMd, parseSkillMd } from './manifest.ts';
import { isTypeScript, transpileTypeScript } from './transpile.ts';

export interface BundleFile {
  path: string;
  data: Uint8Array;
  sha256: string;
  size: number;
  mime: string;
  compiledJs?: string;
  sourceMap?: string;
}

export interface Bundle extends ParsedSkillMd {
  files: BundleFile[];
  /** Covers every file's path and content: equal bundles have equal hashes. */
  sha256: string;
  sizeBytes: number;
}

const TEXT_TYPES: Record<string, string> = {
  ts: 'text/typescript',
  mts: 'text/typescript',
  md: 'text/markdown',
  py: 'text/x-python',
  sh: 'text/x-shellscript',
  txt: 'text/plain',
  json: 'application/json',
  yaml: 'application/yaml',
  yml: 'application/yaml',
};

export function mimeTypeOf(path: string): string {
  const extension = path.split('.').pop()?.toLowerCase() ?? '';
  return TEXT_TYPES[extension] ?? (mime.lookup(path) || 'application/octet-stream');
}

export const sha256Hex = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** Files archivers add that are never part of a skill. */
const isJunk = (path: string) => path.startsWith('__MACOSX/') || /(^|\/)(\.DS_Store|Thumbs\.db)$/.test(path);

/** The instructions file names, preferred first; the reference library reads a lowercase skill.md too. */
const INSTRUCTION_FILES = ['SKILL.md', 'skill.md'];

/**
 * Finds the bundle root: either SKILL.md at the top, or one top-level folder holding SKILL.md (the folder name
 * must then equal the skill name). A lowercase `skill.md` is read when there is no SKILL.md, and stored as SKILL.md
 * with a warning.
 */
function findRoot(files: RawFile[]): { folder?: string; files: RawFile[]; warnings: FieldError[] } {
  const kept = files.filter((f) => !isJunk(f.path));
  const tops = new Set(kept.map((f) => f.path.split('/')[0]));
  const [single] = [...tops];
  // The instructions file at the root, or in the single top-level folder.
  const roots = tops.size === 1 && single ? [undefined, single] : [undefined];
  for (const instructions of INSTRUCTION_FILES) {
    const folder = roots.find((top) => kept.some((f) => f.path === (top ? `${top}/` : '') + instructions));
    if (folder === undefined && !kept.some((f) => f.path === instructions)) continue;
    const prefix = folder === undefined ? '' : `${folder}/`;
    const rooted = kept.map((f) => ({ ...f, path: f.path.slice(prefix.length) }));
    if (instructions === 'SKILL.md') return { folder, files: rooted, warnings: [] };
    const warning = { field: 'SKILL.md', message: 'the instructions file is named skill.md; stored as SKILL.md' };
    const renamed = rooted.map((f) => (f.path === instructions ? { ...f, path: 'SKILL.md' } : f));
    return { folder, files: renamed, warnings: [warning] };
  }
  const skillMds = kept.filter((f) => /(^|\/)skill\.md$/i.test(f.path)).map((f) => f.path);
  const detail =
    skillMds.length === 0
      ? 'The bundle has no SKILL.md'
      : `SKILL.md must be at the root of the bundle or of its single top-level folder (found: ${skillMds.join(', ')})`;
  throw new AppError('invalid_bundle', detail, { errors: [{ field: 'SKILL.md', message: detail }] });
}

/**
 * Turns uploaded files into a validated bundle: SKILL.md parsed and checked, every file hashed and typed,
 * TypeScript transpiled. Throws one 422 listing every error; warnings travel with the result.
 */
export async function buildBundle(raw: RawFile[]): Promise<Bundle> {
  const errors: FieldError[] = [];
  for (const file of raw) {
    const problem = checkPath(file.path);
    if (problem) errors.push({ field: file.path, message: problem });
  }
  if (errors.length) throw new AppError('invalid_bundle', 'The bundle has paths that are not allowed', { errors });
  const { folder, files, warnings } = findRoot(raw);
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path)) errors.push({ field: file.path, message: 'the same path appears twice' });
    seen.add(file.path);
  }

  const skillMd = files.find((f) => f.path === 'SKILL.md')!;
  const parsed = parseSkillMd(new TextDecoder().decode(skillMd.data), folder);
  parsed.warnings.unshift(...warnings);
  errors.push(...parsed.errors);
  const { entrypoint } = parsed.manifest;
  if (entrypoint && !seen.has(entrypoint)) {
    errors.push({ field: 'SKILL.md#entrypoint', message: `entrypoint file "${entrypoint}" is not in the bundle` });
  }

  const bundleFiles: BundleFile[] = [];
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const entry: BundleFile = {
      path: file.path,
      data: file.data,
      sha256: sha256Hex(file.data),
      size: file.data.length,
      mime: mimeTypeOf(file.path),
    };
    if (isTypeScript(file.path)) {
      const result = await transpileTypeScript(file.path, new TextDecoder().decode(file.data));
      errors.push(...result.errors);
      entry.compiledJs = result.module?.code;
      entry.sourceMap = result.module?.map;
    }
    bundleFiles.push(entry);
  }
  if (errors.length) {
    throw new AppError('invalid_bundle', `The bundle has ${errors.length} problem${errors.length === 1 ? '' : 's'}`, {
      errors,
      warnings: parsed.warnings,
    });
  }
  const hash = sha256Hex(bundleFiles.map((f) => `${f.path}\0${f.sha256}\n`).join(''));
  return {
    ...parsed,
    files: bundleFiles,
    sha256: hash,
    sizeBytes: bundleFiles.reduce((sum, f) => sum + f.size, 0),
  };
}
