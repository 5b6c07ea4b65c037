/**
 * Run and artifact rows as the database returns them, and the one mapping of each to its API object: every
 * place that shows a run or an artifact (responses, listings, live and replayed events) goes through `toRun` and
 * `toArtifact`, so an artifact has one shape everywhere.
 */
import type { Caller } from '../auth/caller.ts';
import { FINAL_STATUSES } from '../runtime/schemas.ts';
import type { LogLine, RunError, RunStatus, RunUsage } from '../runtime/types.ts';
import { iso, isoOrNull } from '../schemas.ts';
import type { RuntimeVersion } from '../skills/runnable.ts';
import type { ArtifactDto, RunDto } from './schemas.ts';

export type RunKind = 'skill' | 'chain' | 'parallel';

export interface RunRow {
  id: string;
  org_id: string;
  skill_id: string | null;
  skill_version_id: string | null;
  parent_run_id: string | null;
  user_id: string;
  status: RunStatus;
  input_json: unknown;
  output_json: unknown;
  error: RunError | null;
  logs: LogLine[];
  usage: RunUsage | null;
  duration_ms: number | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  skill_name: string | null;
  version: string | null;
  kind: RunKind;
  depth: number;
}

export interface ArtifactRow {
  id: string;
  run_id: string;
  org_id: string;
  name: string;
  storage_url: string;
  mime_type: string;
  checksum: string;
  size_bytes: number;
  created_at: Date;
}

/** A skill version a run executes, resolved from a name or id and a version. */
export interface Target {
  skillId: string;
  skillName: string;
  version: RuntimeVersion;
  /** Read when the run was resolved (versions are cached, their status is not): drafts get no secret values. */
  status: 'draft' | 'published' | 'deprecated';
}

export const isFinal = (status: RunStatus) => (FINAL_STATUSES as readonly RunStatus[]).includes(status);

export const EMPTY_USAGE: RunUsage = { wall_ms: 0, cpu_ms: 0, memory_peak_bytes: 0 };

export function toArtifact(row: ArtifactRow): ArtifactDto {
  return {
    id: row.id,
    run_id: row.run_id,
    name: row.name,
    size: row.size_bytes,
    mime_type: row.mime_type,
    sha256: row.checksum,
    url: `/artifacts/${row.id}`,
    created_at: iso(row.created_at),
  };
}

export function toRun(row: RunRow, artifacts: ArtifactRow[]): RunDto {
  return {
    id: row.id,
    skill: row.kind === 'skill' ? row.skill_name : row.kind,
    skill_id: row.skill_id,
    skill_version_id: row.skill_version_id,
    version: row.version,
    status: row.status,
    input: row.input_json ?? null,
    output: row.output_json ?? null,
    error: row.error ?? null,
    logs: row.logs ?? [],
    artifacts: artifacts.map(toArtifact),
    usage: row.usage ?? { ...EMPTY_USAGE },
    parent_run_id: row.parent_run_id,
    created_at: iso(row.created_at),
    started_at: isoOrNull(row.started_at),
    finished_at: isoOrNull(row.finished_at),
    duration_ms: row.duration_ms,
  };
}

/** The row of a run about to start (`running`) or wait (`queued`). */
export function newRunRow(
  caller: Caller,
  now: Date,
  fields: Pick<RunRow, 'id' | 'status' | 'input_json' | 'parent_run_id' | 'kind' | 'depth'> & { target?: Target },
): RunRow {
  return {
    id: fields.id,
    org_id: caller.orgId,
    skill_id: fields.target?.skillId ?? null,
    skill_version_id: fields.target?.version.id ?? null,
    parent_run_id: fields.parent_run_id,
    user_id: caller.userId,
    status: fields.status,
    input_json: fields.input_json,
    output_json: null,
    error: null,
    logs: [],
    usage: null,
    duration_ms: null,
    created_at: now,
    started_at: fields.status === 'running' ? now : null,
    finished_at: null,
    skill_name: fields.target?.skillName ?? null,
    version: fields.target?.version.version ?? null,
    kind: fields.kind,
    depth: fields.depth,
  };
}
