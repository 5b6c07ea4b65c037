/**
 * What is served without a token: the latest published version of each `public` skill of an organisation (the
 * well-known skills index). Who may see it is `publicVersion` in `visibility.ts`; nothing else is reachable here.
 */
import type { Queryable } from '../db/database.ts';
import { Where } from '../db/where.ts';
import type { FileRow } from './rows.ts';
import { LATEST_VERSION_JOIN } from './sql.ts';
import { createFileStore } from './store-files.ts';
import { publicVersion } from './visibility.ts';

/** The index lists at most this many skills (by name); an organisation with more splits them over organisations. */
export const MAX_PUBLIC_SKILLS = 1000;

export interface PublicSkill {
  name: string;
  description: string;
  version: string;
  version_id: string;
  files: FileRow[];
}

export function createPublicCatalog(db: Queryable) {
  const files = createFileStore(db);

  /** Public skills of `org` with a published version, by name (all of them, or the one named). */
  async function latest(org: string, name?: string): Promise<Omit<PublicSkill, 'files'>[]> {
    const where = new Where();
    where.add((p) => publicVersion('v', 's', p), org);
    if (name !== undefined) where.add((p) => `s.name = ${p}`, name);
    return db.query<Omit<PublicSkill, 'files'>>(
      `select s.name, v.description, v.version, v.id as version_id
       from skills s ${LATEST_VERSION_JOIN} join skill_versions v on v.id = lv.id
       where ${where.sql} order by s.name limit ${where.param(MAX_PUBLIC_SKILLS)}`,
      where.params,
    );
  }

  return {
    /** Every public skill of `org` with the files of its latest published version. */
    async list(org: string): Promise<PublicSkill[]> {
      const skills = await latest(org);
      if (skills.length === 0) return [];
      const rows = await db.query<FileRow & { version_id: string }>(
        `select version_id, path, sha256, size, mime from skill_files where version_id = any($1::uuid[])
         order by version_id, path`,
        [skills.map((s) => s.version_id)],
      );
      const byVersion = new Map<string, FileRow[]>();
      for (const { version_id, ...file } of rows) {
        const files = byVersion.get(version_id) ?? [];
        files.push(file);
        byVersion.set(version_id, files);
      }
      return skills.map((skill) => ({ ...skill, files: byVersion.get(skill.version_id) ?? [] }));
    },

    /** One file of the latest published version of public skill `name` of `org`, or undefined. */
    async readFile(org: string, name: string, path: string) {
      const [skill] = await latest(org, name);
      return skill ? files.readFile(skill.version_id, path) : undefined;
    },
  };
}

export type PublicCatalog = ReturnType<typeof createPublicCatalog>;
