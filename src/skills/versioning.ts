/**
 * The rules of version numbers and labels: what an upload does to a skill's versions (keep an identical one, store
 * a new one, replace a never-published draft, or refuse with a 409 that says which case applies), and which label
 * names are allowed.
 */
import semver from 'semver';
import { AppError, type FieldError } from '../errors.ts';
import type { ExistingVersion } from './rows.ts';
import type { VersionPlan } from './store-writes.ts';
import { nextVersion } from './version-order.ts';

export interface UploadRequest {
  skill: string;
  /** Hash over every file path and content. */
  sha256: string;
  /** The version asked for (form field or SKILL.md); undefined = next patch version. */
  given?: string;
  publish: boolean;
  warnings: FieldError[];
}

/** The lowest patch version after `version` that no existing version uses. */
function freeVersionAfter(version: string, existing: ExistingVersion[]): string {
  const taken = new Set(existing.map((v) => v.version));
  let candidate = semver.inc(version, 'patch') ?? nextVersion(existing.map((v) => v.version));
  while (taken.has(candidate)) candidate = semver.inc(candidate, 'patch') ?? candidate;
  return candidate;
}

/**
 * Decides an upload. Identical content (same hash) to an existing version returns that version when no number is
 * asked for, or the same number; a number held by a draft replaces the draft; a number held by a published or
 * deprecated version is a 409 naming a free number.
 */
export function planUpload(request: UploadRequest, existing: ExistingVersion[]): VersionPlan {
  const { given } = request;
  const identical = existing.find((v) => !v.deleted && v.sha256 === request.sha256 && (!given || v.version === given));
  if (identical) return { kind: 'unchanged', versionId: identical.id, status: identical.status };
  const version = given ?? nextVersion(existing.map((v) => v.version));
  const warnings = given
    ? request.warnings
    : [...request.warnings, { field: 'SKILL.md#version', message: `no version given; stored as ${version}` }];
  const plan = { version, publish: request.publish, warnings };
  const taken = existing.find((v) => v.version === version);
  if (!taken) return { kind: 'create', version: plan };
  if (taken.status === 'draft' && !taken.deleted) {
    const note = { field: 'SKILL.md#version', message: `replaced the draft ${version}, which was never published` };
    return { kind: 'replace', replacing: taken.id, version: { ...plan, warnings: [...warnings, note] } };
  }
  const free = freeVersionAfter(version, existing);
  const state = taken.deleted ? 'deleted' : taken.status;
  throw new AppError(
    'conflict',
    `Version ${version} of "${request.skill}" is ${state}, and ${state} versions never change. ` +
      `Upload the new content as a higher version (${free} is free): bump "version:" in SKILL.md or pass version=${free}.`,
    {
      errors: [{ field: 'SKILL.md#version', message: `${version} is ${state}; use ${free} or higher` }],
      extra: { conflict: `${state}_version`, version, version_status: state, suggested_version: free },
    },
  );
}

/** Label names: a letter, then letters, digits, `.`, `_`, `-`; never `latest` and never a semantic version. */
export function labelProblem(label: string): string | undefined {
  if (!/^[a-z][a-z0-9._-]{0,63}$/.test(label)) {
    return 'must be 1-64 lowercase letters, digits, ".", "_" or "-", starting with a letter';
  }
  if (label === 'latest') return '"latest" is reserved: it always means the highest published version';
  if (semver.valid(label)) return 'must not be a semantic version (references would be ambiguous)';
  return undefined;
}
