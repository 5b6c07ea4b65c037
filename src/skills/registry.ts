import { type Caller, hasRole, requireRole } from '../auth/caller.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { AppError, type FieldError } from '../errors.ts';
import type { Bundle } from './bundle.ts';
import { decodeCursor, toPage } from './cursor.ts';
import {
  type FileRow,
  LATEST_VERSION_JOIN,
  SKILL_COLUMNS,
  type SkillRow,
  toSkillSummary,
  toSkillVersion,
  toVersionSummary,
  type VersionRow,
} from './rows.ts';
import type { SkillDetail, SkillSummary, SkillVersionDto } from './schemas.ts';
import { CONTENT_BASE64, createSkillStore, decodeContent, VISIBLE } from './store.ts';
import { nextVersion } from './version-order.ts';

export interface RegistryDeps {
  db: Database;
  clock: Clock;
  /** Called after a version is committed (the router embeds it in the background). */
  onVersionStored?: (versionId: string) => void;
  /** Ranks skill ids by relevance to `q` (the router); `listSkills` with `q` orders by it when given. */
  rankSkills?: (caller: Caller, query: string, limit: number) => Promise<string[]>;
}

export type UploadResult = { skill: SkillSummary; version: SkillVersionDto; warnings: FieldError[] };

export function createRegistry(deps: RegistryDeps) {
  const { db, clock } = deps;
  const { findSkill, findVersion, filesOf, audit, insertSkill, insertVersion, syncSkillFromVersion } = createSkillStore(
    db,
    clock,
  );

  function canEdit(caller: Caller, skill: SkillRow) {
    return skill.owner_id === caller.userId || hasRole(caller, 'publisher');
  }

  async function uploadResult(caller: Caller, skillId: string, versionId: string, warnings: FieldError[]) {
    deps.onVersionStored?.(versionId);
    const skill = await findSkill(caller, skillId);
    return { skill: toSkillSummary(skill), version: await getVersion(caller, versionId), warnings };
  }

  async function getVersion(caller: Caller, versionId: string): Promise<SkillVersionDto> {
    const row = await findVersion(caller, versionId);
    return toSkillVersion(row, await filesOf(row.id));
  }

  return {
    findSkill,
    findVersion,

    async createSkill(caller: Caller, input: { name: string; description?: string; visibility: 'user' | 'org' }) {
      requireRole(caller, 'author', 'create skills');
      const id = await db.transaction(async (tx) => {
        const skillId = await insertSkill(tx, caller, { ...input, description: input.description ?? '', tags: [] });
        await audit(tx, caller, 'skill.create', 'skill', skillId);
        return skillId;
      });
      return toSkillSummary(await findSkill(caller, id));
    },

    /** Creates a skill and its first version from a bundle, in one transaction. */
    async createSkillFromBundle(
      caller: Caller,
      bundle: Bundle,
      options: { publish: boolean; visibility: 'user' | 'org'; version?: string },
    ): Promise<UploadResult> {
      requireRole(caller, 'author', 'create skills');
      if (options.publish) requireRole(caller, 'publisher', 'publish versions');
      const version = options.version ?? bundle.manifest.version ?? '1.0.0';
      const warnings = [...bundle.warnings];
      if (!options.version && !bundle.manifest.version) {
        warnings.push({ field: 'SKILL.md#version', message: `no version given; stored as ${version}` });
      }
      const m = bundle.manifest;
      const ids = await db.transaction(async (tx) => {
        const skillId = await insertSkill(tx, caller, {
          name: m.name,
          description: m.description,
          tags: m.tags,
          visibility: options.visibility,
        });
        await audit(tx, caller, 'skill.create', 'skill', skillId);
        const versionId = await insertVersion(
          tx,
          caller,
          { id: skillId, name: m.name },
          bundle,
          version,
          options.publish,
          warnings,
        );
        return { skillId, versionId };
      });
      return uploadResult(caller, ids.skillId, ids.versionId, warnings);
    },

    /** Adds a version to an existing skill. */
    async uploadVersion(
      caller: Caller,
      ref: string,
      bundle: Bundle,
      options: { publish: boolean; version?: string },
    ): Promise<UploadResult> {
      requireRole(caller, 'author', 'upload versions');
      if (options.publish) requireRole(caller, 'publisher', 'publish versions');
      const skill = await findSkill(caller, ref);
      if (!canEdit(caller, skill))
        throw new AppError('forbidden', `Only the owner or a publisher may add versions to "${skill.name}"`);
      if (bundle.manifest.name !== skill.name) {
        throw new AppError(
          'unprocessable',
          `SKILL.md names "${bundle.manifest.name}" but this is skill "${skill.name}"`,
          {
            errors: [{ field: 'SKILL.md#name', message: `must be "${skill.name}"` }],
          },
        );
      }
      const warnings = [...bundle.warnings];
      let version = options.version ?? bundle.manifest.version;
      const versionId = await db.transaction(async (tx) => {
        if (!version) {
          const existing = await tx.query<{ version: string }>(
            'select version from skill_versions where skill_id = $1',
            [skill.id],
          );
          version = nextVersion(existing.map((r) => r.version));
          warnings.push({ field: 'SKILL.md#version', message: `no version given; stored as ${version}` });
        }
        return insertVersion(tx, caller, skill, bundle, version, options.publish, warnings);
      });
      return uploadResult(caller, skill.id, versionId, warnings);
    },

    async listSkills(
      caller: Caller,
      query: { q?: string; tag?: string; visibility?: 'user' | 'org'; cursor?: string; limit: number },
    ) {
      const params: unknown[] = [caller.orgId, caller.userId];
      const where = [VISIBLE];
      const add = (sql: (n: string) => string, value: unknown) => {
        params.push(value);
        where.push(sql(`$${params.length}`));
      };
      if (query.tag) add((p) => `${p} = any(s.tags)`, query.tag.toLowerCase());
      if (query.visibility) add((p) => `s.visibility = ${p}`, query.visibility);
      const like = query.q ? `%${query.q.replace(/[%_\\]/g, '\\$&')}%` : undefined;
      if (query.q && like && deps.rankSkills) {
        // Relevance order from the router, then plain substring matches (e.g. skills with no version yet); one
        // page, since a relevance ranking has no stable cursor.
        params.push(like, await deps.rankSkills(caller, query.q, query.limit), query.limit);
        const [p, ids, limit] = [params.length - 2, params.length - 1, params.length].map((n) => `$${n}`);
        where.push(`(s.name ilike ${p} or s.description ilike ${p} or s.id = any(${ids}::uuid[]))`);
        const rows = await db.query<SkillRow>(
          `select ${SKILL_COLUMNS} from skills s ${LATEST_VERSION_JOIN} where ${where.join(' and ')}
           order by array_position(${ids}::uuid[], s.id) nulls last, s.created_at desc, s.id desc limit ${limit}`,
          params,
        );
        return { data: rows.map(toSkillSummary), next_cursor: null };
      }
      if (like) add((p) => `(s.name ilike ${p} or s.description ilike ${p})`, like);
      const after = decodeCursor(query.cursor);
      if (after) {
        params.push(after.createdAt, after.id);
        where.push(`(s.created_at, s.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
      }
      params.push(query.limit + 1);
      const rows = await db.query<SkillRow>(
        `select ${SKILL_COLUMNS} from skills s ${LATEST_VERSION_JOIN}
         where ${where.join(' and ')} order by s.created_at desc, s.id desc limit $${params.length}`,
        params,
      );
      return toPage(rows, query.limit, toSkillSummary);
    },

    async getSkill(caller: Caller, ref: string, includeInstructions: boolean): Promise<SkillDetail> {
      const row = await findSkill(caller, ref);
      const summary = toSkillSummary(row);
      if (!includeInstructions || !row.latest_version_id) return summary;
      const version = await getVersion(caller, row.latest_version_id);
      return { ...summary, instructions: version.instructions, files: version.files };
    },

    async updateSkill(
      caller: Caller,
      ref: string,
      patch: { description?: string; tags?: string[]; visibility?: 'user' | 'org' },
    ) {
      requireRole(caller, 'author', 'edit skills');
      const skill = await findSkill(caller, ref);
      if (!canEdit(caller, skill))
        throw new AppError('forbidden', `Only the owner or a publisher may edit "${skill.name}"`);
      await db.transaction(async (tx) => {
        await tx.query(
          `update skills set description = coalesce($2, description), tags = coalesce($3, tags),
             visibility = coalesce($4, visibility), updated_at = $5 where id = $1`,
          [
            skill.id,
            patch.description ?? null,
            patch.tags?.map((t) => t.toLowerCase()) ?? null,
            patch.visibility ?? null,
            clock.now(),
          ],
        );
        await audit(tx, caller, 'skill.update', 'skill', skill.id, patch);
      });
      return toSkillSummary(await findSkill(caller, skill.id));
    },

    async deleteSkill(caller: Caller, ref: string) {
      const skill = await findSkill(caller, ref);
      if (skill.owner_id !== caller.userId && !hasRole(caller, 'admin')) {
        throw new AppError('forbidden', `Only the owner or an admin may delete "${skill.name}"`);
      }
      await db.transaction(async (tx) => {
        await tx.query('update skills set deleted_at = $2, updated_at = $2 where id = $1', [skill.id, clock.now()]);
        await audit(tx, caller, 'skill.delete', 'skill', skill.id);
      });
    },

    async listVersions(caller: Caller, ref: string, query: { status?: string; cursor?: string; limit: number }) {
      const skill = await findSkill(caller, ref);
      const params: unknown[] = [skill.id];
      const where = ['v.skill_id = $1'];
      if (query.status) {
        params.push(query.status);
        where.push(`v.status = $${params.length}`);
      }
      const after = decodeCursor(query.cursor);
      if (after) {
        params.push(after.createdAt, after.id);
        where.push(`(v.created_at, v.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
      }
      params.push(query.limit + 1);
      const rows = await db.query<VersionRow>(
        `select v.* from skill_versions v where ${where.join(' and ')}
         order by v.created_at desc, v.id desc limit $${params.length}`,
        params,
      );
      return toPage(rows, query.limit, toVersionSummary);
    },

    getVersion,

    /** Every skill with a published version the caller can see (for prompt blocks), at most 500. */
    async listAllPublished(caller: Caller): Promise<SkillRow[]> {
      return db.query<SkillRow>(
        `select ${SKILL_COLUMNS} from skills s ${LATEST_VERSION_JOIN}
         where ${VISIBLE} and lv.id is not null order by s.name limit 500`,
        [caller.orgId, caller.userId],
      );
    },

    async setStatus(caller: Caller, versionId: string, target: 'published' | 'deprecated') {
      requireRole(caller, 'publisher', target === 'published' ? 'publish versions' : 'deprecate versions');
      const row = await findVersion(caller, versionId);
      const from = target === 'published' ? 'draft' : 'published';
      if (row.status !== from) {
        throw new AppError(
          'conflict',
          `Version ${row.version} is ${row.status}; only a ${from} version can be ${target}`,
        );
      }
      await db.transaction(async (tx) => {
        const column = target === 'published' ? 'published_at' : 'deprecated_at';
        await tx.query(`update skill_versions set status = $2, ${column} = $3 where id = $1`, [
          row.id,
          target,
          clock.now(),
        ]);
        if (target === 'published') await syncSkillFromVersion(tx, row.skill_id, row.description, row.tags);
        await audit(tx, caller, `version.${target === 'published' ? 'publish' : 'deprecate'}`, 'skill_version', row.id);
      });
      return getVersion(caller, versionId);
    },

    async readFile(caller: Caller, versionId: string, path: string) {
      const version = await findVersion(caller, versionId);
      const [file] = (
        await db.query<FileRow & { content: string }>(
          `select path, sha256, size, mime, ${CONTENT_BASE64} from skill_files where version_id = $1 and path = $2`,
          [version.id, path],
        )
      ).map(decodeContent);
      if (!file) throw new AppError('not_found', `File "${path}" not found in ${version.name} ${version.version}`);
      return { version, file };
    },

    async readAllFiles(caller: Caller, versionId: string) {
      const version = await findVersion(caller, versionId);
      const files = (
        await db.query<FileRow & { content: string }>(
          `select path, sha256, size, mime, ${CONTENT_BASE64} from skill_files where version_id = $1 order by path`,
          [version.id],
        )
      ).map(decodeContent);
      return { version, files };
    },
  };
}

export type Registry = ReturnType<typeof createRegistry>;
