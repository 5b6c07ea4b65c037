/**
 * SQL fragments of the skill tables, written once and used by every query that needs them (router included). Who may
 * see which rows is in `visibility.ts`.
 */

/** Versions (alias `v`) from the highest semantic version down; a release ranks above its prereleases. */
export const LATEST_VERSION_ORDER = `v.version_major desc, v.version_minor desc, v.version_patch desc,
  (v.version_prerelease = '') desc, v.version_prerelease desc`;

/** The latest published version of skill `s`, as a lateral join `lv`. */
export const LATEST_VERSION_JOIN = `
  left join lateral (
    select v.id, v.version, v.entrypoint, v.inputs, v.outputs
    from skill_versions v
    where v.skill_id = s.id and v.status = 'published' and v.deleted_at is null
    order by ${LATEST_VERSION_ORDER}
    limit 1
  ) lv on true`;

/** The labels of skill `s` as a JSON object, label -> version. */
const SKILL_LABELS = `(select coalesce(jsonb_object_agg(l.label, lbv.version), '{}'::jsonb)
  from skill_labels l join skill_versions lbv on lbv.id = l.version_id where l.skill_id = s.id) as labels`;

/** The columns of a `SkillRow`, from `skills s` and `LATEST_VERSION_JOIN`. */
export const SKILL_COLUMNS = `s.id, s.org_id, s.owner_id, s.name, s.display_name, s.description, s.tags, s.visibility, s.created_at,
  s.updated_at, lv.version as latest_version, lv.id as latest_version_id, lv.entrypoint as latest_entrypoint,
  lv.inputs as latest_inputs, lv.outputs as latest_outputs, ${SKILL_LABELS}`;

/** The columns of a `VersionRow` from `skill_versions v`: every column and the labels pointing at it. */
export const VERSION_COLUMNS = `v.*, (select coalesce(array_agg(l.label order by l.label), '{}')
  from skill_labels l where l.version_id = v.id) as labels`;

/** File content travels as base64 text: embedded PGlite moves bytea ~20x slower than text in both directions. */
export const CONTENT_BASE64 = "encode(content, 'base64') as content";

export const decodeContent = <R extends { content: string | null }>(row: R) => ({
  ...row,
  content: new Uint8Array(Buffer.from(row.content ?? '', 'base64')),
});
