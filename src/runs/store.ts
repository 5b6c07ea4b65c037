/** SQL for runs, artifacts and the runnable parts of a version. Rows map to the API objects in `schemas.ts`. */
import type { Database, Queryable } from '../db/database.ts';
import { buildModuleMap, moduleKey } from '../runtime/module-map.ts';
import type { LogLine, RunError, RunStatus, RunUsage } from '../runtime/types.ts';
import type { IoField } from '../skills/manifest.ts';
import { CONTENT_BASE64, decodeContent } from '../skills/store.ts';
import type { ArtifactDto, RunDto } from './schemas.ts';

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
  kind: 'skill' | 'chain' | 'parallel';
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

/** Everything needed to run one version; versions are immutable, so this is cached by version id. */
export interface RuntimeVersion {
  id: string;
  skillId: string;
  name: string;
  version: string;
  /** Entry module key in `modules` (`.ts` entries map to their transpiled `.js` key); null = instructions only. */
  entrypoint: string | null;
  modules: Record<string, string>;
  sourceMaps: Record<string, string>;
  inputs: IoField[] | null;
  outputs: IoField[] | null;
  inputSchema: Record<string, unknown> | null;
  outputSchema: Record<string, unknown> | null;
  allowNetwork: boolean;
  networkAllowlist: string[];
  secrets: string[];
  timeoutMs: number | null;
  memoryMb: number | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

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
    usage: row.usage ?? { wall_ms: 0, cpu_ms: 0, memory_peak_bytes: 0 },
    parent_run_id: row.parent_run_id,
    created_at: iso(row.created_at),
    started_at: isoOrNull(row.started_at),
    finished_at: isoOrNull(row.finished_at),
    duration_ms: row.duration_ms,
  };
}

const FINAL: RunStatus[] = ['succeeded', 'failed', 'timed_out', 'cancelled'];
export const isFinal = (status: RunStatus) => FINAL.includes(status);

export function createRunStore(db: Database) {
  return {
    async insertRun(row: Omit<RunRow, 'output_json' | 'error' | 'logs' | 'usage' | 'duration_ms' | 'finished_at'>) {
      await db.query(
        `insert into skill_runs (id, org_id, skill_id, skill_version_id, parent_run_id, user_id, status, input_json,
           created_at, started_at, skill_name, version, kind, depth)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          row.id,
          row.org_id,
          row.skill_id,
          row.skill_version_id,
          row.parent_run_id,
          row.user_id,
          row.status,
          JSON.stringify(row.input_json ?? null),
          row.created_at,
          row.started_at,
          row.skill_name,
          row.version,
          row.kind,
          row.depth,
        ],
      );
    },

    async markRunning(id: string, startedAt: Date) {
      await db.query(`update skill_runs set status = 'running', started_at = $2 where id = $1 and status = 'queued'`, [
        id,
        startedAt,
      ]);
    },

    /** Writes the outcome and, in the same transaction, the artifact rows (only passed for a succeeded run). */
    async finishRun(
      id: string,
      outcome: Pick<RunRow, 'status' | 'output_json' | 'error' | 'logs' | 'usage' | 'duration_ms' | 'finished_at'>,
      artifacts: ArtifactRow[],
    ) {
      const write = async (q: Queryable) => {
        await q.query(
          `update skill_runs set status = $2, output_json = $3, error = $4, logs = $5, usage = $6, duration_ms = $7,
             finished_at = $8, error_type = $9 where id = $1`,
          [
            id,
            outcome.status,
            outcome.output_json === undefined ? null : JSON.stringify(outcome.output_json),
            outcome.error ? JSON.stringify(outcome.error) : null,
            JSON.stringify(outcome.logs),
            JSON.stringify(outcome.usage),
            outcome.duration_ms,
            outcome.finished_at,
            outcome.error?.type ?? null,
          ],
        );
        for (const a of artifacts) {
          await q.query(
            `insert into skill_artifacts (id, run_id, org_id, name, storage_url, mime_type, checksum, size_bytes,
               created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
            [a.id, a.run_id, a.org_id, a.name, a.storage_url, a.mime_type, a.checksum, a.size_bytes, a.created_at],
          );
        }
      };
      if (artifacts.length === 0) await write(db);
      else await db.transaction(write);
    },

    /** Marks a run cancelled unless it already ended; returns whether it did. */
    async cancelIfOpen(id: string, finishedAt: Date): Promise<boolean> {
      const rows = await db.query(
        `update skill_runs set status = 'cancelled', error = $2, error_type = 'cancelled', finished_at = $3
         where id = $1 and status in ('queued', 'running') returning id`,
        [id, JSON.stringify({ type: 'cancelled', message: 'The run was cancelled' }), finishedAt],
      );
      return rows.length > 0;
    },

    async getRun(orgId: string, id: string): Promise<RunRow | undefined> {
      const [row] = await db.query<RunRow>('select * from skill_runs where org_id = $1 and id = $2', [orgId, id]);
      return row;
    },

    async listRuns(
      orgId: string,
      filter: {
        status?: string;
        skillId?: string;
        skillName?: string;
        parentRunId?: string;
        since?: string;
        after?: { createdAt: string; id: string };
        limit: number;
      },
    ): Promise<RunRow[]> {
      const params: unknown[] = [orgId];
      const where = ['r.org_id = $1'];
      const add = (sql: (p: string) => string, value: unknown) => {
        params.push(value);
        where.push(sql(`$${params.length}`));
      };
      if (filter.status) add((p) => `r.status = ${p}`, filter.status);
      if (filter.skillId) add((p) => `r.skill_id = ${p}::uuid`, filter.skillId);
      if (filter.skillName) add((p) => `r.skill_name = ${p}`, filter.skillName);
      if (filter.parentRunId) add((p) => `r.parent_run_id = ${p}::uuid`, filter.parentRunId);
      if (filter.since) add((p) => `r.created_at >= ${p}::timestamptz`, filter.since);
      if (filter.after) {
        params.push(filter.after.createdAt, filter.after.id);
        where.push(`(r.created_at, r.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
      }
      params.push(filter.limit + 1);
      return db.query<RunRow>(
        `select r.* from skill_runs r where ${where.join(' and ')}
         order by r.created_at desc, r.id desc limit $${params.length}`,
        params,
      );
    },

    async childrenOf(orgId: string, parentId: string): Promise<RunRow[]> {
      return db.query<RunRow>(
        'select * from skill_runs where org_id = $1 and parent_run_id = $2 order by created_at, id',
        [orgId, parentId],
      );
    },

    /**
     * Artifacts of these runs and of every run they composed (ctx.callSkill, chain, parallel): what a composition
     * produced belongs to it. `root_run_id` says which of the given runs each artifact belongs to.
     */
    async artifactsOf(runIds: string[]): Promise<(ArtifactRow & { root_run_id: string })[]> {
      if (runIds.length === 0) return [];
      return db.query<ArtifactRow & { root_run_id: string }>(
        `with recursive tree (root_run_id, id) as (
           select r.id, r.id from skill_runs r where r.id = any($1::uuid[])
           union all
           select tree.root_run_id, c.id from skill_runs c join tree on c.parent_run_id = tree.id
         )
         select a.*, tree.root_run_id from skill_artifacts a join tree on a.run_id = tree.id
         order by a.created_at, a.id`,
        [runIds],
      );
    },

    async getArtifact(orgId: string, id: string): Promise<ArtifactRow | undefined> {
      const [row] = await db.query<ArtifactRow>('select * from skill_artifacts where org_id = $1 and id = $2', [
        orgId,
        id,
      ]);
      return row;
    },

    /** The runnable modules and run settings of a version (files: compiled JS for .ts, content for .js/.mjs). */
    async loadRuntimeVersion(versionId: string): Promise<RuntimeVersion | undefined> {
      const [v] = await db.query<{
        id: string;
        skill_id: string;
        name: string;
        version: string;
        entrypoint: string | null;
        metadata: { manifest?: Record<string, unknown> };
        inputs: IoField[] | null;
        outputs: IoField[] | null;
      }>(
        'select id, skill_id, name, version, entrypoint, metadata, inputs, outputs from skill_versions where id = $1',
        [versionId],
      );
      if (!v) return undefined;
      const files = v.entrypoint
        ? (
            await db.query<{
              path: string;
              content: string | null;
              compiled_js: string | null;
              source_map: string | null;
            }>(
              `select path, ${CONTENT_BASE64}, compiled_js, source_map from skill_files
               where version_id = $1 and (path like '%.js' or path like '%.mjs' or path like '%.ts' or path like '%.mts')`,
              [versionId],
            )
          ).map(decodeContent)
        : [];
      const { modules, sourceMaps } = buildModuleMap(
        files.map((f) => ({ path: f.path, data: f.content, compiledJs: f.compiled_js, sourceMap: f.source_map })),
      );
      const m = v.metadata?.manifest ?? {};
      const get = <T>(key: string, fallback: T) => (m[key] ?? fallback) as T;
      return {
        id: v.id,
        skillId: v.skill_id,
        name: v.name,
        version: v.version,
        entrypoint: v.entrypoint ? moduleKey(v.entrypoint) : null,
        modules,
        sourceMaps,
        inputs: v.inputs,
        outputs: v.outputs,
        inputSchema: get('inputSchema', null),
        outputSchema: get('outputSchema', null),
        allowNetwork: get('allowNetwork', false),
        networkAllowlist: get('networkAllowlist', []),
        secrets: get('secrets', []),
        timeoutMs: get('timeoutMs', null),
        memoryMb: get('memoryMb', null),
      };
    },

    /** One file of a version's bundle, for `ctx.resources`. */
    async readResource(versionId: string, path: string): Promise<Uint8Array | undefined> {
      const [row] = await db.query<{ content: string | null }>(
        `select ${CONTENT_BASE64} from skill_files where version_id = $1 and path = $2`,
        [versionId, path],
      );
      return row ? decodeContent(row).content : undefined;
    },

    /** The id of a version of a skill by its semantic version. */
    async findVersionId(skillId: string, version: string): Promise<string | undefined> {
      const [row] = await db.query<{ id: string }>(
        'select id from skill_versions where skill_id = $1 and version = $2',
        [skillId, version],
      );
      return row?.id;
    },
  };
}

export type RunStore = ReturnType<typeof createRunStore>;
