/**
 * Who may see what, defined once as SQL conditions every query uses (skills, versions, files, search, prompts,
 * runs, artifacts, events). What a caller may not see does not exist for them (404); what they see but may not do
 * is a 403 from the service. Adding a visibility (issue 15's `public`) is a change to `skillVisible` and
 * `skillReachable` alone.
 *
 * - A skill: in the caller's organisation, not deleted, and `org`- or `public`-visible, or the caller's own, or the
 *   caller is an admin (a `user` skill is its owner's and the admins').
 * - Without a token (the well-known skills index): the published versions of an organisation's `public` skills,
 *   nothing else (`publicVersion`).
 * - A version: its skill is visible, it is not deleted, and it is not a draft, or the caller reviews drafts
 *   (publisher, admin),
 *   uploaded it or owns the skill.
 * - A run (and its artifacts and events): the caller is an admin; or the skill is reachable and the caller started
 *   the run, or is a publisher who published a version of that skill.
 *
 * @example
 * const where = new Where();
 * where.add(() => skillVisible('s', viewer(where, caller)));
 * await db.query(`select * from skills s where ${where.sql}`, where.params);
 */
import { type Caller, hasRole } from '../auth/caller.ts';
import type { Where } from '../db/where.ts';

/** Placeholders of the caller's organisation, id, and whether they are an admin or a draft reviewer. */
export interface Viewer {
  readonly org: string;
  readonly user: string;
  readonly admin: string;
  readonly reviewer: string;
}

/**
 * The caller as placeholders of `params` (a `Where`). Each value is added when a condition first uses it: the
 * database cannot type a parameter no condition mentions.
 */
export function viewer(params: Pick<Where, 'param'>, caller: Caller): Viewer {
  const added = new Map<string, string>();
  const placeholder = (key: string, value: unknown, cast = '') => {
    if (!added.has(key)) added.set(key, `${params.param(value)}${cast}`);
    return added.get(key)!;
  };
  return {
    get org() {
      return placeholder('org', caller.orgId);
    },
    get user() {
      return placeholder('user', caller.userId);
    },
    get admin() {
      return placeholder('admin', caller.role === 'admin', '::boolean');
    },
    get reviewer() {
      return placeholder('reviewer', hasRole(caller, 'publisher'), '::boolean');
    },
  };
}

/**
 * Skill `s` may be reached by the viewer: its organisation's, and org-visible (`public` skills are org-visible too),
 * theirs, or the viewer is an admin. Deleted skills stay reachable so their runs stay readable.
 */
export const skillReachable = (s: string, v: Viewer) =>
  `(${s}.org_id = ${v.org} and (${s}.visibility in ('org', 'public') or ${s}.owner_id = ${v.user} or ${v.admin}))`;

/** Skill `s` is visible to the viewer: reachable and not deleted. */
export const skillVisible = (s: string, v: Viewer) => `(${s}.deleted_at is null and ${skillReachable(s, v)})`;

/**
 * Version `ver` of skill `s` (visible already) is visible: not deleted, and published or deprecated, or a draft the
 * viewer may see.
 */
export const versionVisible = (ver: string, s: string, v: Viewer) =>
  `(${ver}.deleted_at is null and (${ver}.status <> 'draft' or ${v.reviewer} or ${ver}.created_by = ${v.user} or ${s}.owner_id = ${v.user}))`;

/** Run `r` is visible to the viewer (see the module comment). */
export const runVisible = (r: string, v: Viewer) => `(${r}.org_id = ${v.org} and (${v.admin} or (
  (${r}.skill_id is null or exists (select 1 from skills vs where vs.id = ${r}.skill_id and ${skillReachable('vs', v)}))
  and (${r}.user_id = ${v.user} or (${v.reviewer} and exists (
    select 1 from skill_versions pv where pv.skill_id = ${r}.skill_id and pv.published_by = ${v.user}))))))`;

/**
 * Version `ver` of skill `s` is served without a token (the well-known index): a published, not deleted version of a
 * `public`, not deleted skill. The organisation is the caller's to choose (`org`, a placeholder), never a token's.
 */
export const publicVersion = (ver: string, s: string, org: string) =>
  `(${s}.org_id = ${org} and ${s}.deleted_at is null and ${s}.visibility = 'public' and ${ver}.deleted_at is null
    and ${ver}.status = 'published')`;
