import { v7 as uuidv7 } from 'uuid';
import type { Caller } from '../auth/caller.ts';
import type { Clock } from '../clock.ts';
import type { Database, Queryable } from '../db/database.ts';
import { AppError, type FieldError } from '../errors.ts';
import type { Bundle } from './bundle.ts';
import { type FileRow, LATEST_VERSION_JOIN, SKILL_COLUMNS, type SkillRow, type VersionRow } from './rows.ts';
import { versionOrderColumns } from './version-order.ts';

/** The registry's SQL: lookups scoped to what a caller may see, and the rows an upload writes. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Rows the caller may see: its org, and either org-visible or its own. */
export const VISIBLE = `s.org_id = $1 and s.deleted_at is null and (s.visibility = 'org' or s.owner_id = $2)`;

/** File content travels as base64 text: embedded PGlite moves bytea ~20x slower than text in both directions. */
export const CONTENT_BASE64 = "encode(content, 'base64') as content";
export const decodeContent = <R extends { content: string | null }>(row: R) => ({
  ...row,
  content: new Uint8Array(Buffer.from(row.content ?? '', 'base64')),
});

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

export function createSkillStore(db: Database, clock: Clock) {
  async function findSkill(caller: Caller, ref: string, q: Queryable = db): Promise<SkillRow> {
    const column = UUID.test(ref) ? 's.id::text' : 's.name';
    const [row] = await q.query<SkillRow>(
      `select ${SKILL_COLUMNS} from skills s ${LATEST_VERSION_JOIN} where ${VISIBLE} and ${column} = $3`,
      [caller.orgId, caller.userId, ref],
    );
    if (!row) throw new AppError('not_found', `Skill "${ref}" not found`);
    return row;
  }

  async function findVersion(caller: Caller, versionId: string, q: Queryable = db): Promise<VersionRow> {
    if (!UUID.test(versionId)) throw new AppError('not_found', `Skill version "${versionId}" not found`);
    const [row] = await q.query<VersionRow>(
      `select v.* from skill_versions v join skills s on s.id = v.skill_id where ${VISIBLE} and v.id = $3`,
      [caller.orgId, caller.userId, versionId],
    );
    if (!row) throw new AppError('not_found', `Skill version "${versionId}" not found`);
    return row;
  }

  const filesOf = (versionId: string) =>
    db.query<FileRow>('select path, sha256, size, mime from skill_files where version_id = $1 order by path', [
      versionId,
    ]);

  async function audit(q: Queryable, caller: Caller, action: string, targetType: string, targetId: string, data = {}) {
    await q.query(
      `insert into audit_log (id, org_id, actor_id, action, target_type, target_id, data, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [uuidv7(), caller.orgId, caller.userId, action, targetType, targetId, JSON.stringify(data), clock.now()],
    );
  }

  async function insertSkill(
    q: Queryable,
    caller: Caller,
    input: { name: string; description: string; tags: string[]; visibility: 'user' | 'org' },
  ) {
    const id = uuidv7();
    const now = clock.now();
    try {
      await q.query(
        `insert into skills (id, org_id, owner_id, name, description, tags, visibility, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
        [id, caller.orgId, caller.userId, input.name, input.description, input.tags, input.visibility, now],
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AppError(
          'conflict',
          `A skill named "${input.name}" already exists; upload a new version with POST /skills/${input.name}/versions`,
        );
      }
      throw error;
    }
    return id;
  }

  async function insertVersion(
    q: Queryable,
    caller: Caller,
    skill: { id: string; name: string },
    bundle: Bundle,
    version: string,
    publish: boolean,
    warnings: FieldError[],
  ): Promise<string> {
    const id = uuidv7();
    const now = clock.now();
    const order = versionOrderColumns(version);
    const m = bundle.manifest;
    try {
      await q.query(
        `insert into skill_versions (id, skill_id, org_id, name, version, version_major, version_minor, version_patch,
           version_prerelease, status, description, instructions, entrypoint, tags, metadata, inputs, outputs, warnings,
           sha256, size_bytes, file_count, created_by, created_at, published_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
           $23, $24)`,
        [
          id,
          skill.id,
          caller.orgId,
          skill.name,
          version,
          order.major,
          order.minor,
          order.patch,
          order.prerelease,
          publish ? 'published' : 'draft',
          m.description,
          bundle.instructions,
          m.entrypoint ?? null,
          m.tags,
          JSON.stringify({ manifest: m, front_matter: bundle.frontMatter }),
          m.inputs ? JSON.stringify(m.inputs) : null,
          m.outputs ? JSON.stringify(m.outputs) : null,
          JSON.stringify(warnings),
          bundle.sha256,
          bundle.sizeBytes,
          bundle.files.length,
          caller.userId,
          now,
          publish ? now : null,
        ],
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AppError('conflict', `Version ${version} of "${skill.name}" already exists; versions are immutable`);
      }
      throw error;
    }
    for (const file of bundle.files) {
      await q.query(
        `insert into skill_files (version_id, path, sha256, size, mime, content, compiled_js, source_map)
         values ($1, $2, $3, $4, $5, decode($6, 'base64'), $7, $8)`,
        // Sent as base64 text: embedded PGlite serialises binary parameters ~20x slower than text.
        [
          id,
          file.path,
          file.sha256,
          file.size,
          file.mime,
          Buffer.from(file.data).toString('base64'),
          file.compiledJs ?? null,
          file.sourceMap ?? null,
        ],
      );
    }
    if (publish) await syncSkillFromVersion(q, skill.id, m.description, m.tags);
    else await q.query('update skills set updated_at = $2 where id = $1', [skill.id, now]);
    await audit(q, caller, publish ? 'version.upload_published' : 'version.upload', 'skill_version', id, { version });
    return id;
  }

  async function syncSkillFromVersion(q: Queryable, skillId: string, description: string, tags: string[]) {
    await q.query('update skills set description = $2, tags = $3, updated_at = $4 where id = $1', [
      skillId,
      description,
      tags,
      clock.now(),
    ]);
  }

  return { findSkill, findVersion, filesOf, audit, insertSkill, insertVersion, syncSkillFromVersion };
}
