import type { FieldError } from '../errors.ts';
import { iso, isoOrNull } from '../schemas.ts';
import { type IoField, runSettings, storedManifest } from './manifest.ts';
import type { FileInfo, SkillSummary, SkillVersionDto, VersionSummary, Visibility } from './schemas.ts';

/** Row shapes as the database returns them, and their mapping to API objects. */
export interface SkillRow {
  id: string;
  org_id: string;
  owner_id: string;
  name: string;
  /** A human name given through Anthropic's API (`display_name`); null when none was given. */
  display_name: string | null;
  description: string;
  tags: string[];
  visibility: Visibility;
  created_at: Date;
  updated_at: Date;
  latest_version: string | null;
  latest_version_id: string | null;
  latest_entrypoint: string | null;
  latest_inputs: IoField[] | null;
  latest_outputs: IoField[] | null;
  /** Label -> version (a JSON object; a JSON string from some drivers). */
  labels: Record<string, string> | string | null;
}

export interface VersionRow {
  id: string;
  skill_id: string;
  org_id: string;
  name: string;
  version: string;
  status: 'draft' | 'published' | 'deprecated';
  description: string;
  instructions: string;
  entrypoint: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
  inputs: IoField[] | null;
  outputs: IoField[] | null;
  warnings: FieldError[];
  sha256: string;
  size_bytes: number;
  file_count: number;
  created_by: string;
  created_at: Date;
  published_at: Date | null;
  deprecated_at: Date | null;
  /** Set when the version was deleted (it is then invisible; its number stays taken). */
  deleted_at?: Date | null;
  /** Labels pointing at this version (VERSION_COLUMNS). */
  labels?: string[];
}

/** What an upload needs to know of the versions a skill already has. */
export interface ExistingVersion {
  id: string;
  version: string;
  status: VersionRow['status'];
  sha256: string;
  /** Deleted versions keep their number: an upload may not reuse it. */
  deleted: boolean;
}

export interface FileRow {
  path: string;
  sha256: string;
  size: number;
  mime: string;
}

export function toSkillSummary(row: SkillRow): SkillSummary {
  return {
    id: row.id,
    name: row.name,
    display_name: row.display_name ?? null,
    description: row.description,
    tags: row.tags,
    visibility: row.visibility,
    owner_id: row.owner_id,
    latest_version: row.latest_version,
    latest_version_id: row.latest_version_id,
    labels: typeof row.labels === 'string' ? JSON.parse(row.labels) : (row.labels ?? {}),
    runnable: Boolean(row.latest_entrypoint),
    inputs: row.latest_inputs,
    outputs: row.latest_outputs,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export function toVersionSummary(row: VersionRow): VersionSummary {
  return {
    id: row.id,
    skill_id: row.skill_id,
    name: row.name,
    version: row.version,
    status: row.status,
    sha256: row.sha256,
    size_bytes: row.size_bytes,
    file_count: row.file_count,
    created_at: iso(row.created_at),
    published_at: isoOrNull(row.published_at),
    deprecated_at: isoOrNull(row.deprecated_at),
    labels: row.labels ?? [],
  };
}

export function toSkillVersion(row: VersionRow, files: FileRow[]): SkillVersionDto {
  const manifest = storedManifest(row.metadata);
  const run = runSettings(manifest);
  const frontMatter = (row.metadata['front_matter'] ?? {}) as Record<string, unknown>;
  return {
    ...toVersionSummary(row),
    description: row.description,
    instructions: row.instructions,
    entrypoint: row.entrypoint,
    runnable: Boolean(row.entrypoint),
    tags: row.tags,
    inputs: row.inputs,
    outputs: row.outputs,
    input_schema: run.inputSchema,
    output_schema: run.outputSchema,
    allow_network: run.allowNetwork,
    network_allowlist: run.networkAllowlist,
    secrets: run.secrets,
    timeout_ms: run.timeoutMs,
    memory_mb: run.memoryMb,
    license: manifest.license ?? null,
    compatibility: manifest.compatibility ?? null,
    allowed_tools: manifest.allowedTools ?? null,
    metadata: manifest.metadata ?? {},
    front_matter: frontMatter,
    warnings: row.warnings,
    files: files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, mime: f.mime })) satisfies FileInfo[],
    created_by: row.created_by,
  };
}
