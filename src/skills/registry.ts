/**
 * The skill registry: who may create, change, publish and read skills and versions, and what each operation
 * returns. All SQL is in the skill store; this module holds permissions and lifecycle rules.
 *
 * @example
 * const registry = createRegistry({ db, clock });
 * const { data } = await registry.listSkills(caller, { limit: 20 });
 */
import { type Caller, hasRole, requireRole } from '../auth/caller.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { mapPage } from '../db/pagination.ts';
import { AppError, type FieldError } from '../errors.ts';
import type { Bundle } from './bundle.ts';
import { type SkillRow, toSkillSummary, toSkillVersion, toVersionSummary } from './rows.ts';
import type { SkillDetail, SkillSummary, SkillVersionDto, Visibility } from './schemas.ts';
import { createSkillStore, type SkillStore } from './store.ts';
import { labelProblem, planUpload } from './versioning.ts';

export interface RegistryDeps {
  db: Database;
  clock: Clock;
  /** Called after a version is committed (the router embeds it in the background). */
  onVersionStored?: (versionId: string) => void;
  /** Ranks skill ids by relevance to `q` (the router); `listSkills` with `q` orders by it when given. */
  rankSkills?: (caller: Caller, query: string, limit: number) => Promise<string[]>;
}

export type UploadResult = {
  outcome: 'created' | 'unchanged' | 'replaced';
  skill: SkillSummary;
  version: SkillVersionDto;
  warnings: FieldError[];
};

/** Whether the caller may edit a skill and add versions to it: an author who owns it, or a publisher. */
export const mayEdit = (caller: Caller, skill: Pick<SkillRow, 'owner_id'>) =>
  hasRole(caller, 'author') && (skill.owner_id === caller.userId || hasRole(caller, 'publisher'));

/** Making a skill public (served without a token) is a publisher's or an admin's call. */
export function checkVisibility(caller: Caller, visibility: Visibility | undefined): void {
  if (visibility === 'public') requireRole(caller, 'publisher', 'make skills public');
}

const noVersionGiven = (version: string): FieldError => ({
  field: 'SKILL.md#version',
  message: `no version given; stored as ${version}`,
});

/** A label as the API shows it. */
export interface LabelDto {
  label: string;
  version: string;
  version_id: string;
}

/** Reading skills and versions: any role, within what the caller may see. */
function createReads(store: SkillStore, deps: RegistryDeps) {
  async function getVersion(caller: Caller, versionId: string): Promise<SkillVersionDto> {
    const row = await store.findVersion(caller, versionId);
    return toSkillVersion(row, await store.filesOf(row.id));
  }

  const reads = {
    findSkill: store.findSkill,
    findVersion: store.findVersion,
    getVersion,
    listAllPublished: store.listAllPublished,
    /** Whether org `orgId` ever had a skill (deleted ones count); the example skills load only into an empty org. */
    orgHasSkills: store.orgHasSkills,

    /**
     * A skill and the id of the version `ref` names (a semantic version, a label, or "latest"/none for the
     * highest published version); 404 naming what is missing.
     */
    async resolveVersion(caller: Caller, skillRef: string, ref?: string) {
      const skill = await store.findSkill(caller, skillRef);
      const found = await store.findVersionByRef(caller, skill, ref);
      if (found) return { skill, versionId: found.id, status: found.status };
      if (!ref || ref === 'latest') {
        throw new AppError('not_found', `Skill "${skill.name}" has no published version; name one with "version"`);
      }
      const labels = Object.keys(toSkillSummary(skill).labels);
      const known = labels.length ? ` (labels: ${labels.join(', ')})` : '';
      throw new AppError('not_found', `Skill "${skill.name}" has no version or label "${ref}"${known}`);
    },

    /** The version `ref` names, level 2. */
    async getVersionByRef(caller: Caller, skillRef: string, ref: string): Promise<SkillVersionDto> {
      const { versionId } = await reads.resolveVersion(caller, skillRef, ref);
      return getVersion(caller, versionId);
    },

    async listSkills(
      caller: Caller,
      query: {
        q?: string;
        tag?: string;
        visibility?: Visibility;
        cursor?: string;
        limit: number;
        order?: 'asc' | 'desc';
      },
    ) {
      const { cursor, limit, order, ...filter } = query;
      if (filter.q && deps.rankSkills) {
        const ranked = await deps.rankSkills(caller, filter.q, limit);
        const rows = await store.rankSkills(caller, { ...filter, q: filter.q }, ranked, limit);
        return { data: rows.map(toSkillSummary), next_cursor: null };
      }
      return mapPage(await store.listSkills(caller, filter, { cursor, limit, order }), toSkillSummary);
    },

    async getSkill(caller: Caller, ref: string, includeInstructions: boolean): Promise<SkillDetail> {
      const row = await store.findSkill(caller, ref);
      const summary = toSkillSummary(row);
      if (!includeInstructions || !row.latest_version_id) return summary;
      const version = await getVersion(caller, row.latest_version_id);
      return { ...summary, instructions: version.instructions, files: version.files };
    },

    async listVersions(caller: Caller, ref: string, query: { status?: string; cursor?: string; limit: number }) {
      return mapPage(await reads.listVersionRows(caller, ref, query), toVersionSummary);
    },

    /** A page of a skill's versions as rows (the vendor-compatible APIs map them to their own objects). */
    async listVersionRows(
      caller: Caller,
      ref: string,
      query: { status?: string; cursor?: string; limit: number; order?: 'asc' | 'desc' },
    ) {
      const skill = await store.findSkill(caller, ref);
      const { status, ...page } = query;
      return store.listVersions(caller, skill.id, { status }, page);
    },

    async readFile(caller: Caller, versionId: string, path: string) {
      const version = await store.findVersion(caller, versionId);
      const file = await store.readFile(version.id, path);
      if (!file) throw new AppError('not_found', `File "${path}" not found in ${version.name} ${version.version}`);
      return { version, file };
    },

    async readAllFiles(caller: Caller, versionId: string) {
      const version = await store.findVersion(caller, versionId);
      return { version, files: await store.readAllFiles(version.id) };
    },
  };
  return reads;
}

/** What each kind of edit is called in a role refusal ("Role viewer may not upload versions"). */
const EDIT_ACTIONS = {
  edit: 'edit skills',
  'add versions to': 'upload versions',
  'delete versions of': 'delete versions',
} as const;

export function createRegistry(deps: RegistryDeps) {
  const store = createSkillStore(deps.db, deps.clock);
  const reads = createReads(store, deps);

  async function uploadResult(
    caller: Caller,
    outcome: UploadResult['outcome'],
    ids: { skillId: string; versionId: string },
    warnings: FieldError[],
  ): Promise<UploadResult> {
    if (outcome !== 'unchanged') deps.onVersionStored?.(ids.versionId);
    const skill = await store.findSkill(caller, ids.skillId);
    return { outcome, skill: toSkillSummary(skill), version: await reads.getVersion(caller, ids.versionId), warnings };
  }

  /** The skill, if the caller sees it (404 otherwise) and may change it (403 otherwise). */
  async function editable(caller: Caller, ref: string, what: keyof typeof EDIT_ACTIONS): Promise<SkillRow> {
    const skill = await store.findSkill(caller, ref);
    requireRole(caller, 'author', EDIT_ACTIONS[what]);
    if (!mayEdit(caller, skill)) {
      throw new AppError('forbidden', `Only the owner or a publisher may ${what} "${skill.name}"`);
    }
    return skill;
  }

  return {
    ...reads,

    async createSkill(caller: Caller, input: { name: string; description?: string; visibility: Visibility }) {
      requireRole(caller, 'author', 'create skills');
      checkVisibility(caller, input.visibility);
      const id = await store.createSkill(caller, { ...input, description: input.description ?? '', tags: [] });
      return toSkillSummary(await store.findSkill(caller, id));
    },

    /** Creates a skill and its first version from a bundle, in one transaction. */
    async createSkillFromBundle(
      caller: Caller,
      bundle: Bundle,
      options: { publish: boolean; visibility: Visibility; version?: string; displayName?: string },
    ): Promise<UploadResult> {
      requireRole(caller, 'author', 'create skills');
      if (options.publish) requireRole(caller, 'publisher', 'publish versions');
      checkVisibility(caller, options.visibility);
      const version = options.version ?? bundle.manifest.version ?? '1.0.0';
      const warnings = [...bundle.warnings];
      if (!options.version && !bundle.manifest.version) warnings.push(noVersionGiven(version));
      const { name, description, tags } = bundle.manifest;
      const ids = await store.createSkillWithVersion(
        caller,
        { name, description, tags, visibility: options.visibility, displayName: options.displayName },
        bundle,
        { version, publish: options.publish, warnings },
      );
      return uploadResult(caller, 'created', ids, warnings);
    },

    /** Adds a version to an existing skill; without a version number it gets the next patch version. */
    async uploadVersion(
      caller: Caller,
      ref: string,
      bundle: Bundle,
      options: { publish: boolean; version?: string },
    ): Promise<UploadResult> {
      const skill = await editable(caller, ref, 'add versions to');
      if (options.publish) requireRole(caller, 'publisher', 'publish versions');
      if (bundle.manifest.name !== skill.name) {
        throw new AppError(
          'unprocessable',
          `SKILL.md names "${bundle.manifest.name}" but this is skill "${skill.name}"`,
          {
            errors: [{ field: 'SKILL.md#name', message: `must be "${skill.name}"` }],
          },
        );
      }
      const request = {
        skill: skill.name,
        sha256: bundle.sha256,
        given: options.version ?? bundle.manifest.version,
        publish: options.publish,
        warnings: [...bundle.warnings],
      };
      const stored = await store.addVersion(caller, skill, bundle, (existing) => planUpload(request, existing));
      const ids = { skillId: skill.id, versionId: stored.versionId };
      if (stored.plan.kind !== 'unchanged') {
        const outcome = stored.plan.kind === 'replace' ? 'replaced' : 'created';
        return uploadResult(caller, outcome, ids, stored.plan.version.warnings);
      }
      // The same content again: nothing is stored; a publish asked for is done on the existing draft.
      if (options.publish && stored.plan.status === 'draft') {
        await store.setVersionStatus(caller, await store.findVersion(caller, stored.versionId), 'published');
      }
      return uploadResult(caller, 'unchanged', ids, bundle.warnings);
    },

    async updateSkill(
      caller: Caller,
      ref: string,
      patch: { description?: string; tags?: string[]; visibility?: Visibility },
    ) {
      const skill = await editable(caller, ref, 'edit');
      checkVisibility(caller, patch.visibility);
      await store.updateSkill(caller, skill.id, patch);
      return toSkillSummary(await store.findSkill(caller, skill.id));
    },

    /**
     * Points `label` at the version `versionRef` names (a semantic version, another label, or "latest"), which
     * must be published: promoting is moving a label. Publishers and admins only.
     */
    async setLabel(caller: Caller, skillRef: string, label: string, versionRef: string): Promise<LabelDto> {
      requireRole(caller, 'publisher', 'set labels');
      const problem = labelProblem(label);
      if (problem) {
        throw new AppError('invalid_request', `Label "${label}" ${problem}`, {
          errors: [{ field: 'path.label', message: problem }],
        });
      }
      const { skill, versionId } = await reads.resolveVersion(caller, skillRef, versionRef);
      const version = await store.findVersion(caller, versionId);
      if (version.status !== 'published') {
        throw new AppError(
          'conflict',
          `Version ${version.version} of "${skill.name}" is ${version.status}; labels point at published versions only` +
            (version.status === 'draft' ? ' (publish it first)' : ''),
        );
      }
      await store.setLabel(caller, skill.id, label, version.id);
      return { label, version: version.version, version_id: version.id };
    },

    /** Removes a label; 404 when the skill has none by that name. */
    async deleteLabel(caller: Caller, skillRef: string, label: string) {
      requireRole(caller, 'publisher', 'remove labels');
      const skill = await store.findSkill(caller, skillRef);
      if (!(await store.deleteLabel(caller, skill.id, label))) {
        throw new AppError('not_found', `Skill "${skill.name}" has no label "${label}"`);
      }
    },

    async deleteSkill(caller: Caller, ref: string) {
      const skill = await store.findSkill(caller, ref);
      if (skill.owner_id !== caller.userId && !hasRole(caller, 'admin')) {
        throw new AppError('forbidden', `Only the owner or an admin may delete "${skill.name}"`);
      }
      await store.deleteSkill(caller, skill.id);
    },

    /** Deletes a version (see the store): the owner of the skill, a publisher or an admin. */
    async deleteVersion(caller: Caller, versionId: string) {
      const version = await store.findVersion(caller, versionId);
      await editable(caller, version.skill_id, 'delete versions of');
      await store.deleteVersion(caller, version);
    },

    async setStatus(caller: Caller, versionId: string, target: 'published' | 'deprecated') {
      const row = await store.findVersion(caller, versionId);
      requireRole(caller, 'publisher', target === 'published' ? 'publish versions' : 'deprecate versions');
      const from = target === 'published' ? 'draft' : 'published';
      if (row.status !== from) {
        throw new AppError(
          'conflict',
          `Version ${row.version} is ${row.status}; only a ${from} version can be ${target}`,
        );
      }
      await store.setVersionStatus(caller, row, target);
      return reads.getVersion(caller, versionId);
    },
  };
}

export type Registry = ReturnType<typeof createRegistry>;
