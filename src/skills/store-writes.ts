/**
 * The SQL that changes skills and versions. Each exported operation is one transaction and writes its audit
 * entry in it; the registry decides who may do what, this module only writes.
 */
import { v7 as uuidv7 } from 'uuid';
import { recordAudit } from '../audit/audit.ts';
import type { Caller } from '../auth/caller.ts';
import type { Clock } from '../clock.ts';
import type { Database, Queryable } from '../db/database.ts';
import { AppError, type FieldError } from '../errors.ts';
import type { Bundle } from './bundle.ts';
import type { ExistingVersion, VersionRow } from './rows.ts';
import type { Visibility } from './schemas.ts';
import { versionOrderColumns } from './version-order.ts';

/** Who writes, through which connection (a transaction), at which clock. */
interface Tx {
  q: Queryable;
  clock: Clock;
  caller: Caller;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

export interface NewSkill {
  name: string;
  /** Anthropic's `display_name`; none through the native API. */
  displayName?: string;
  description: string;
  tags: string[];
  visibility: Visibility;
}

/** A version to store: its number, whether it is published at once, and the warnings recorded with it. */
export interface NewVersion {
  version: string;
  publish: boolean;
  warnings: FieldError[];
}

/** What an upload does: keep an identical version, store a new one, or replace a never-published draft. */
export type VersionPlan =
  | { kind: 'unchanged'; versionId: string; status: ExistingVersion['status'] }
  | { kind: 'create'; version: NewVersion }
  | { kind: 'replace'; replacing: string; version: NewVersion };

const audit = ({ q, clock, caller }: Tx, action: string, targetType: string, targetId: string, data = {}) =>
  recordAudit(q, clock, caller, { action, targetType, targetId, data });

async function insertSkill(tx: Tx, input: NewSkill): Promise<string> {
  const { q, clock, caller } = tx;
  const id = uuidv7();
  try {
    await q.query(
      `insert into skills (id, org_id, owner_id, name, description, tags, visibility, created_at, updated_at,
         display_name)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)`,
      [
        id,
        caller.orgId,
        caller.userId,
        input.name,
        input.description,
        input.tags,
        input.visibility,
        clock.now(),
        input.displayName ?? null,
      ],
    );
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new AppError(
      'conflict',
      `A skill named "${input.name}" already exists; upload a new version with POST /skills/${input.name}/versions`,
    );
  }
  await audit(tx, 'skill.create', 'skill', id);
  return id;
}

async function insertVersionRow(
  { q, clock, caller }: Tx,
  skill: { id: string; name: string },
  bundle: Bundle,
  v: NewVersion,
): Promise<string> {
  const id = uuidv7();
  const now = clock.now();
  const order = versionOrderColumns(v.version);
  const m = bundle.manifest;
  try {
    await q.query(
      `insert into skill_versions (id, skill_id, org_id, name, version, version_major, version_minor, version_patch,
         version_prerelease, status, description, instructions, entrypoint, tags, metadata, inputs, outputs, warnings,
         sha256, size_bytes, file_count, created_by, created_at, published_at, published_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
         $23, $24, $25)`,
      [
        id,
        skill.id,
        caller.orgId,
        skill.name,
        v.version,
        order.major,
        order.minor,
        order.patch,
        order.prerelease,
        v.publish ? 'published' : 'draft',
        m.description,
        bundle.instructions,
        m.entrypoint ?? null,
        m.tags,
        JSON.stringify({ manifest: m, front_matter: bundle.frontMatter }),
        m.inputs ? JSON.stringify(m.inputs) : null,
        m.outputs ? JSON.stringify(m.outputs) : null,
        JSON.stringify(v.warnings),
        bundle.sha256,
        bundle.sizeBytes,
        bundle.files.length,
        caller.userId,
        now,
        v.publish ? now : null,
        v.publish ? caller.userId : null,
      ],
    );
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new AppError('conflict', `Version ${v.version} of "${skill.name}" already exists; versions are immutable`);
  }
  return id;
}

async function insertVersion(tx: Tx, skill: { id: string; name: string }, bundle: Bundle, v: NewVersion) {
  const { q, clock } = tx;
  const id = await insertVersionRow(tx, skill, bundle, v);
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
  // The router's body field (migration 008) needs the file names, so it is written once the files are in.
  await q.query(
    'update skill_versions set search_body = skill_body_vector(instructions, metadata, skill_file_paths(id)) where id = $1',
    [id],
  );
  const m = bundle.manifest;
  if (v.publish) await syncSkillFromVersion(tx, skill.id, m.description, m.tags);
  else await q.query('update skills set updated_at = $2 where id = $1', [skill.id, clock.now()]);
  const action = v.publish ? 'version.upload_published' : 'version.upload';
  await audit(tx, action, 'skill_version', id, { version: v.version });
  return id;
}

/** A published version's description and tags become the skill's. */
async function syncSkillFromVersion({ q, clock }: Tx, skillId: string, description: string, tags: string[]) {
  await q.query('update skills set description = $2, tags = $3, updated_at = $4 where id = $1', [
    skillId,
    description,
    tags,
    clock.now(),
  ]);
}

export function createSkillWrites(db: Database, clock: Clock) {
  /** Runs `fn` in one transaction, writing as `caller`. */
  const write = <T>(caller: Caller, fn: (tx: Tx) => Promise<T>) => db.transaction((q) => fn({ q, clock, caller }));

  return {
    createSkill: (caller: Caller, input: NewSkill) => write(caller, (tx) => insertSkill(tx, input)),

    /** A new skill and its first version, in one transaction. */
    createSkillWithVersion: (caller: Caller, input: NewSkill, bundle: Bundle, version: NewVersion) =>
      write(caller, async (tx) => {
        const skillId = await insertSkill(tx, input);
        const versionId = await insertVersion(tx, { id: skillId, name: input.name }, bundle, version);
        return { skillId, versionId };
      }),

    /**
     * Adds a version to a skill. `plan` gets the skill's existing versions (read and locked in the same
     * transaction) and says what to do: keep an identical version, store a new one, or replace a draft with the
     * same number (its runs keep their version text but lose the link to the replaced row).
     */
    addVersion: (
      caller: Caller,
      skill: { id: string; name: string },
      bundle: Bundle,
      plan: (existing: ExistingVersion[]) => VersionPlan,
    ) =>
      write(caller, async (tx): Promise<{ versionId: string; plan: VersionPlan }> => {
        const existing = await tx.q.query<ExistingVersion>(
          'select id, version, status, sha256, deleted_at is not null as deleted from skill_versions where skill_id = $1 for update',
          [skill.id],
        );
        const decided = plan(existing);
        if (decided.kind === 'unchanged') return { versionId: decided.versionId, plan: decided };
        if (decided.kind === 'replace') {
          await tx.q.query('update skill_runs set skill_version_id = null where skill_version_id = $1', [
            decided.replacing,
          ]);
          await tx.q.query('delete from skill_versions where id = $1', [decided.replacing]);
          await audit(tx, 'version.replace_draft', 'skill_version', decided.replacing, {
            version: decided.version.version,
          });
        }
        return { versionId: await insertVersion(tx, skill, bundle, decided.version), plan: decided };
      }),

    /** Points `label` of a skill at a version (creating or moving it). */
    setLabel: (caller: Caller, skillId: string, label: string, versionId: string) =>
      write(caller, async (tx) => {
        await tx.q.query(
          `insert into skill_labels (skill_id, label, version_id, org_id, updated_by, updated_at)
           values ($1, $2, $3, $4, $5, $6)
           on conflict (skill_id, label) do update set version_id = excluded.version_id,
             updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
          [skillId, label, versionId, caller.orgId, caller.userId, clock.now()],
        );
        await audit(tx, 'label.set', 'skill', skillId, { label, version_id: versionId });
      }),

    /** Removes a label; false when the skill had no such label. */
    deleteLabel: (caller: Caller, skillId: string, label: string) =>
      write(caller, async (tx) => {
        const removed = await tx.q.query(
          'delete from skill_labels where skill_id = $1 and label = $2 returning label',
          [skillId, label],
        );
        if (removed.length > 0) await audit(tx, 'label.delete', 'skill', skillId, { label });
        return removed.length > 0;
      }),

    updateSkill: (
      caller: Caller,
      skillId: string,
      patch: { description?: string; tags?: string[]; visibility?: Visibility },
    ) =>
      write(caller, async (tx) => {
        await tx.q.query(
          `update skills set description = coalesce($2, description), tags = coalesce($3, tags),
             visibility = coalesce($4, visibility), updated_at = $5 where id = $1`,
          [
            skillId,
            patch.description ?? null,
            patch.tags?.map((t) => t.toLowerCase()) ?? null,
            patch.visibility ?? null,
            clock.now(),
          ],
        );
        await audit(tx, 'skill.update', 'skill', skillId, patch);
      }),

    /** Soft delete: the name stays taken and the skill's runs keep pointing at it. */
    deleteSkill: (caller: Caller, skillId: string) =>
      write(caller, async (tx) => {
        await tx.q.query('update skills set deleted_at = $2, updated_at = $2 where id = $1', [skillId, clock.now()]);
        await audit(tx, 'skill.delete', 'skill', skillId);
      }),

    /**
     * Deletes a version. A draft goes for good, as a replaced draft does (its number is free again). A published or
     * deprecated version is deleted softly: it disappears from every read and from search (its status becomes
     * deprecated), the labels pointing at it go, and its runs and its number stay.
     */
    deleteVersion: (caller: Caller, version: VersionRow) =>
      write(caller, async (tx) => {
        const now = clock.now();
        if (version.status === 'draft') {
          await tx.q.query('update skill_runs set skill_version_id = null where skill_version_id = $1', [version.id]);
          await tx.q.query('delete from skill_versions where id = $1', [version.id]);
        } else {
          await tx.q.query('delete from skill_labels where version_id = $1', [version.id]);
          await tx.q.query(
            `update skill_versions set deleted_at = $2, status = 'deprecated',
               deprecated_at = coalesce(deprecated_at, $2) where id = $1`,
            [version.id, now],
          );
        }
        await tx.q.query('update skills set updated_at = $2 where id = $1', [version.skill_id, now]);
        await audit(tx, 'version.delete', 'skill_version', version.id, { version: version.version });
      }),

    setVersionStatus: (caller: Caller, version: VersionRow, target: 'published' | 'deprecated') =>
      write(caller, async (tx) => {
        // Who published a version is recorded: publishers read the runs of the skills they publish.
        const set = target === 'published' ? 'published_at = $3, published_by = $4' : 'deprecated_at = $3';
        await tx.q.query(`update skill_versions set status = $2, ${set} where id = $1`, [
          version.id,
          target,
          clock.now(),
          ...(target === 'published' ? [caller.userId] : []),
        ]);
        if (target === 'published') {
          await syncSkillFromVersion(tx, version.skill_id, version.description, version.tags);
        }
        const action = `version.${target === 'published' ? 'publish' : 'deprecate'}`;
        await audit(tx, action, 'skill_version', version.id);
      }),
  };
}
