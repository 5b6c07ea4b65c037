/**
 * The skills concern's SQL: lookups scoped to what a caller may see (here), the writes (`store-writes.ts`) and the
 * files of versions (`store-files.ts`). Nothing outside these modules queries the skill tables, except the router's
 * own search index.
 */

import semver from 'semver';
import type { Caller } from '../auth/caller.ts';
import type { Clock } from '../clock.ts';
import type { Database, Queryable } from '../db/database.ts';
import { keysetPage } from '../db/pagination.ts';
import { UUID, Where } from '../db/where.ts';
import { AppError } from '../errors.ts';
import { normalizeName } from './names.ts';
import type { SkillRow, VersionRow } from './rows.ts';
import type { Visibility } from './schemas.ts';
import { LATEST_VERSION_JOIN, SKILL_COLUMNS, VERSION_COLUMNS } from './sql.ts';
import { createFileStore } from './store-files.ts';
import { createSkillWrites } from './store-writes.ts';
import { skillVisible, versionVisible, viewer } from './visibility.ts';

export interface SkillFilter {
  tag?: string;
  visibility?: Visibility;
  /** Substring of the name or description. */
  q?: string;
}

/** Skills (alias `s`) the caller sees. */
function visibleSkills(caller: Caller): Where {
  const where = new Where();
  return where.add(() => skillVisible('s', viewer(where, caller)));
}

/** Versions (alias `v` of skill `s`) the caller sees. */
function visibleVersions(caller: Caller): Where {
  const where = new Where();
  const v = viewer(where, caller);
  return where.add(() => `${skillVisible('s', v)} and ${versionVisible('v', 's', v)}`);
}

/** Conditions of a skill listing: visible to the caller, then the filters. */
function skillFilter(caller: Caller, filter: SkillFilter): Where {
  const where = visibleSkills(caller);
  if (filter.tag) where.add((p) => `${p} = any(s.tags)`, filter.tag.toLowerCase());
  if (filter.visibility) where.add((p) => `s.visibility = ${p}`, filter.visibility);
  return where;
}

const likePattern = (q: string) => `%${q.replace(/[%_\\]/g, '\\$&')}%`;

export function createSkillLookups(db: Queryable) {
  return {
    async findSkill(caller: Caller, ref: string): Promise<SkillRow> {
      const byId = UUID.test(ref);
      const where = visibleSkills(caller).add(
        (p) => `${byId ? 's.id::text' : 's.name'} = ${p}`,
        byId ? ref : normalizeName(ref),
      );
      const [row] = await db.query<SkillRow>(
        `select ${SKILL_COLUMNS} from skills s ${LATEST_VERSION_JOIN} where ${where.sql}`,
        where.params,
      );
      if (!row) throw new AppError('not_found', `Skill "${ref}" not found`);
      return row;
    },

    async findVersion(caller: Caller, versionId: string): Promise<VersionRow> {
      if (!UUID.test(versionId)) throw new AppError('not_found', `Skill version "${versionId}" not found`);
      const where = visibleVersions(caller).add((p) => `v.id = ${p}`, versionId);
      const [row] = await db.query<VersionRow>(
        `select ${VERSION_COLUMNS} from skill_versions v join skills s on s.id = v.skill_id where ${where.sql}`,
        where.params,
      );
      if (!row) throw new AppError('not_found', `Skill version "${versionId}" not found`);
      return row;
    },

    /**
     * The version `ref` names, if the caller may see it: "latest" (or none) is the highest published version, a
     * semantic version names itself, anything else is a label. The one place a version reference is resolved: runs,
     * reads, labels.
     */
    async findVersionByRef(
      caller: Caller,
      skill: Pick<SkillRow, 'id' | 'latest_version_id'>,
      ref?: string,
    ): Promise<{ id: string; status: VersionRow['status'] } | undefined> {
      if (!ref || ref === 'latest') {
        return skill.latest_version_id ? { id: skill.latest_version_id, status: 'published' } : undefined;
      }
      const exact = semver.valid(ref);
      const where = visibleVersions(caller).add((p) => `v.skill_id = ${p}`, skill.id);
      if (exact) where.add((p) => `v.version = ${p}`, exact);
      else
        where.add(
          (p) => `v.id = (select version_id from skill_labels where skill_id = v.skill_id and label = ${p})`,
          ref,
        );
      const [row] = await db.query<{ id: string; status: VersionRow['status'] }>(
        `select v.id, v.status from skill_versions v join skills s on s.id = v.skill_id where ${where.sql}`,
        where.params,
      );
      return row;
    },

    /** A page of the skills the caller sees, newest first. */
    listSkills(caller: Caller, filter: SkillFilter, page: { cursor?: string; limit: number; order?: 'asc' | 'desc' }) {
      const where = skillFilter(caller, filter);
      if (filter.q) where.add((p) => `(s.name ilike ${p} or s.description ilike ${p})`, likePattern(filter.q));
      return keysetPage<SkillRow>(db, {
        select: SKILL_COLUMNS,
        from: `skills s ${LATEST_VERSION_JOIN}`,
        alias: 's',
        where,
        ...page,
      });
    },

    /**
     * Skills matching `q` in the order of `rankedIds` (relevance from the router), then plain substring matches
     * (e.g. skills with no version yet): one page, since a relevance ranking has no stable cursor.
     */
    rankSkills(caller: Caller, filter: SkillFilter & { q: string }, rankedIds: string[], limit: number) {
      const where = skillFilter(caller, filter);
      const ids = where.param(rankedIds);
      where.add(
        (p) => `(s.name ilike ${p} or s.description ilike ${p} or s.id = any(${ids}::uuid[]))`,
        likePattern(filter.q),
      );
      return db.query<SkillRow>(
        `select ${SKILL_COLUMNS} from skills s ${LATEST_VERSION_JOIN} where ${where.sql}
         order by array_position(${ids}::uuid[], s.id) nulls last, s.created_at desc, s.id desc
         limit ${where.param(limit)}`,
        where.params,
      );
    },

    /** Skills with a published version the caller can see, by name, optionally with every one of `tags` (prompt blocks). */
    listAllPublished(caller: Caller, options: { tags?: readonly string[]; limit: number }) {
      const where = visibleSkills(caller).add(
        (p) => `s.tags @> ${p}::text[]`,
        (options.tags ?? []).map((tag) => tag.toLowerCase()),
      );
      const limit = where.param(options.limit);
      return db.query<SkillRow>(
        `select ${SKILL_COLUMNS} from skills s ${LATEST_VERSION_JOIN}
         where ${where.sql} and lv.id is not null order by s.name limit ${limit}`,
        where.params,
      );
    },

    /** A page of a skill's versions the caller may see (drafts only to those who may see them). */
    listVersions(
      caller: Caller,
      skillId: string,
      filter: { status?: string },
      page: { cursor?: string; limit: number; order?: 'asc' | 'desc' },
    ) {
      const where = visibleVersions(caller).add((p) => `v.skill_id = ${p}`, skillId);
      if (filter.status) where.add((p) => `v.status = ${p}`, filter.status);
      return keysetPage<VersionRow>(db, {
        select: VERSION_COLUMNS,
        from: 'skill_versions v join skills s on s.id = v.skill_id',
        alias: 'v',
        where,
        ...page,
      });
    },

    /** Whether the org has ever had a skill (deleted ones count). */
    async orgHasSkills(orgId: string): Promise<boolean> {
      const rows = await db.query('select 1 from skills where org_id = $1 limit 1', [orgId]);
      return rows.length > 0;
    },
  };
}

export function createSkillStore(db: Database, clock: Clock) {
  return { ...createSkillLookups(db), ...createSkillWrites(db, clock), ...createFileStore(db) };
}

export type SkillStore = ReturnType<typeof createSkillStore>;
