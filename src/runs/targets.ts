/** Resolves what a run executes: a skill (name or id, as the caller sees it) and a version of it. */
import { type Caller, requireRole } from '../auth/caller.ts';
import type { Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { Registry } from '../skills/registry.ts';
import type { RuntimeVersion } from '../skills/runnable.ts';
import { createSkillLookups } from '../skills/store.ts';
import { createFileStore } from '../skills/store-files.ts';
import type { Target } from './rows.ts';

const CACHED_VERSIONS = 200;

export function createTargets(db: Database, registry: Registry) {
  const lookups = createSkillLookups(db);
  const files = createFileStore(db);
  // Versions are immutable: their runnable form is cached by id (oldest evicted first).
  const cache = new Map<string, RuntimeVersion>();

  async function runtimeVersion(id: string): Promise<RuntimeVersion> {
    let version = cache.get(id);
    if (!version) {
      version = await files.loadRuntimeVersion(id);
      if (!version) throw new AppError('not_found', `Skill version "${id}" not found`);
      if (cache.size >= CACHED_VERSIONS) cache.delete(cache.keys().next().value!);
      cache.set(id, version);
    }
    return version;
  }

  return {
    /**
     * `version` is a semantic version, or "latest"/none for the highest published one. Unknown (or not visible to
     * the caller): not_found. A draft runs for authors and up only (viewers run published versions).
     */
    async resolve(caller: Caller, ref: string, version?: string): Promise<Target> {
      const skill = await registry.findSkill(caller, ref);
      if (!version || version === 'latest') {
        if (!skill.latest_version_id) {
          throw new AppError('not_found', `Skill "${skill.name}" has no published version; name one with "version"`);
        }
        const target = await runtimeVersion(skill.latest_version_id);
        return { skillId: skill.id, skillName: skill.name, version: target, status: 'published' };
      }
      const found = await lookups.findVisibleVersion(caller, skill.id, version);
      if (!found) throw new AppError('not_found', `Skill "${skill.name}" has no version ${version}`);
      if (found.status === 'draft') requireRole(caller, 'author', 'run draft versions');
      return {
        skillId: skill.id,
        skillName: skill.name,
        version: await runtimeVersion(found.id),
        status: found.status,
      };
    },

    /** A file of a version's bundle (for ctx.resources); the version was resolved for the caller already. */
    readResource: async (versionId: string, path: string) => (await files.readFile(versionId, path))?.content,
  };
}

export type Targets = ReturnType<typeof createTargets>;
