/**
 * Importing many skills at once: every folder holding a SKILL.md in an archive (a checkout of a skills repository,
 * say) becomes a skill, a new version of one, or stays as it is when its content is already stored. Each skill
 * succeeds or fails on its own; the result lists every one.
 */
import { posix } from 'node:path';
import type { Caller } from '../auth/caller.ts';
import { AppError, type FieldError } from '../errors.ts';
import type { RawFile } from './archive.ts';
import { buildBundle } from './bundle.ts';
import { type BundleLimits, DEFAULT_BUNDLE_LIMITS, formatBytes } from './limits.ts';
import { normalizeName } from './names.ts';
import { checkVisibility, type Registry } from './registry.ts';
import type { Visibility } from './schemas.ts';

/** Limits of one import archive; each skill in it is also held to the bundle limits. */
export const IMPORT_LIMITS = {
  /** The request body. */
  maxArchiveBytes: 64 * 1024 * 1024,
  /** The archive unpacked, and its files. */
  archive: { ...DEFAULT_BUNDLE_LIMITS, maxUncompressedBytes: 128 * 1024 * 1024, maxFiles: 5000 } as BundleLimits,
  maxSkills: 100,
};

export type ImportOutcome = 'created' | 'updated' | 'unchanged' | 'refused';

export interface ImportedSkill {
  /** The skill's folder in the archive ("" for a SKILL.md at the top). */
  path: string;
  name: string | null;
  outcome: ImportOutcome;
  version: string | null;
  version_id: string | null;
  warnings: FieldError[];
  errors: FieldError[];
  /** Why a skill was refused. */
  detail: string | null;
}

export interface ImportResult {
  skills: ImportedSkill[];
  counts: Record<ImportOutcome, number>;
}

const INSTRUCTIONS = /(^|\/)(SKILL|skill)\.md$/;

/**
 * The skill folders of an archive and their files: every folder holding a SKILL.md (or skill.md) is a skill; a
 * file belongs to the deepest skill folder above it; files outside any are ignored (a repository's README).
 */
export function groupSkills(files: RawFile[]): { path: string; files: RawFile[] }[] {
  const roots = [...new Set(files.filter((f) => INSTRUCTIONS.test(f.path)).map((f) => posix.dirname(f.path)))]
    .map((dir) => (dir === '.' ? '' : dir))
    .sort((a, b) => b.length - a.length);
  const groups = new Map<string, RawFile[]>(roots.map((root) => [root, []]));
  for (const file of files) {
    const root = roots.find((r) => r === '' || file.path.startsWith(`${r}/`));
    if (root !== undefined) groups.get(root)!.push(file);
  }
  return [...groups].map(([path, grouped]) => ({ path, files: grouped })).sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** The files of one skill folder as a bundle upload: under one top-level folder named like the skill's folder. */
function asBundleFiles(group: { path: string; files: RawFile[] }): RawFile[] {
  if (group.path === '') return group.files;
  const folder = posix.basename(group.path);
  return group.files.map((f) => ({ path: `${folder}/${f.path.slice(group.path.length + 1)}`, data: f.data }));
}

function checkSkillSize(files: RawFile[], limits: BundleLimits): string | undefined {
  const total = files.reduce((sum, f) => sum + f.data.length, 0);
  if (files.length > limits.maxFiles) return `${files.length} files; at most ${limits.maxFiles} per skill`;
  if (total > limits.maxUncompressedBytes) {
    return `${formatBytes(total)}; at most ${formatBytes(limits.maxUncompressedBytes)} per skill`;
  }
  return undefined;
}

/** Imports every skill of an unpacked archive for `caller`; refusals are listed, never thrown. */
export async function importSkills(
  registry: Registry,
  caller: Caller,
  files: RawFile[],
  options: { publish: boolean; visibility: Visibility },
): Promise<ImportResult> {
  checkVisibility(caller, options.visibility);
  const groups = groupSkills(files);
  if (groups.length === 0) throw new AppError('invalid_bundle', 'The archive has no folder with a SKILL.md');
  if (groups.length > IMPORT_LIMITS.maxSkills) {
    throw new AppError(
      'payload_too_large',
      `The archive holds ${groups.length} skills; at most ${IMPORT_LIMITS.maxSkills} per import (split it)`,
    );
  }
  const seen = new Map<string, string>();
  const skills: ImportedSkill[] = [];
  for (const group of groups) {
    const base = { path: group.path, name: null, version: null, version_id: null, warnings: [], errors: [] };
    const refuse = (detail: string, more: Partial<ImportedSkill> = {}): ImportedSkill => ({
      ...base,
      ...more,
      outcome: 'refused',
      detail,
    });
    const folder = normalizeName(posix.basename(group.path || '.'));
    const clash = seen.get(folder);
    if (group.path && clash !== undefined) {
      skills.push(refuse(`name clash: a skill named "${folder}" is also at ${clash || '(top)'}, imported from there`));
      continue;
    }
    seen.set(folder, group.path);
    const tooLarge = checkSkillSize(group.files, DEFAULT_BUNDLE_LIMITS);
    if (tooLarge) {
      skills.push(refuse(`the skill is ${tooLarge}`));
      continue;
    }
    try {
      const bundle = await buildBundle(asBundleFiles(group));
      const stored = await importBundle(registry, caller, bundle, options);
      skills.push({ ...base, ...stored, detail: null });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const { errors = [], warnings = [] } = error.options;
      skills.push(refuse(error.message, { errors, warnings }));
    }
  }
  const counts = { created: 0, updated: 0, unchanged: 0, refused: 0 };
  for (const skill of skills) counts[skill.outcome]++;
  return { skills, counts };
}

/** One bundle: a new skill, or a version of the skill of that name (unchanged when its content is stored). */
async function importBundle(
  registry: Registry,
  caller: Caller,
  bundle: Awaited<ReturnType<typeof buildBundle>>,
  options: { publish: boolean; visibility: Visibility },
) {
  const { name } = bundle.manifest;
  const existing = await registry.findSkill(caller, name).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'not_found') return undefined;
    throw error;
  });
  const result = existing
    ? await registry.uploadVersion(caller, existing.id, bundle, { publish: options.publish })
    : await registry.createSkillFromBundle(caller, bundle, options);
  const outcome: ImportOutcome = !existing ? 'created' : result.outcome === 'unchanged' ? 'unchanged' : 'updated';
  return {
    name: result.skill.name,
    outcome,
    version: result.version.version,
    version_id: result.version.id,
    warnings: result.warnings,
    errors: [],
  };
}
