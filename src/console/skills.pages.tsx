/** Console pages of skills: the searchable list and one skill's page (versions, instructions, files, contract). */
import type { Hono } from 'hono';
import { withQuery } from '../../views/components.tsx';
import type { EditState } from '../../views/edit.tsx';
import { FileViewer, type ShownFile } from '../../views/files.tsx';
import { renderMarkdown } from '../../views/markdown.ts';
import { SkillPage, type SkillPageProps, skillUrl } from '../../views/skill.tsx';
import { type SkillFilters, SkillResults, SkillsPage } from '../../views/skills.tsx';
import { versionZipResponse } from '../api/versions/versions.handlers.ts';
import { hasRole } from '../auth/caller.ts';
import { AppError } from '../errors.ts';
import { mayEdit } from '../skills/registry.ts';
import { type SkillVersionDto, VisibilitySchema } from '../skills/schemas.ts';
import { nextVersion } from '../skills/version-order.ts';
import type { ConsoleContext, ConsoleEnv } from './context.ts';
import { html, page, pageOrFragment } from './render.tsx';

const SKILLS_PAGE_SIZE = 20;
const VERSIONS_PAGE_SIZE = 10;
/** The file viewer shows this much of a text file. */
const MAX_VIEWED_BYTES = 256 * 1024;

const NOTICES: Record<string, string> = {
  uploaded: 'Uploaded. The new version is shown below.',
  published: 'Published.',
  deprecated: 'Deprecated.',
  saved: 'Details saved.',
};

const TEXT_TYPES = /^(text\/|application\/(json|yaml|xml|javascript|x-sh|toml)$)/;

/** A file of a version for the viewer: text up to MAX_VIEWED_BYTES, or why it is not shown. */
async function shownFile(c: ConsoleContext, version: SkillVersionDto, path: string): Promise<ShownFile> {
  const info = version.files.find((f) => f.path === path);
  if (!info) return { path, mime: '', size: 0, reason: `There is no file "${path}" in this version.` };
  const { file } = await c.var.services.registry.readFile(c.var.caller, version.id, path);
  const bytes = file.content.subarray(0, MAX_VIEWED_BYTES);
  if (!TEXT_TYPES.test(file.mime) || bytes.includes(0)) {
    return { ...info, reason: 'A binary file: download the version to open it.' };
  }
  return { ...info, text: new TextDecoder().decode(bytes), truncated: file.size > MAX_VIEWED_BYTES };
}

/** A version of `skill` by id (another skill's version is not found here). */
async function versionOf(c: ConsoleContext, skill: { id: string; name: string }, versionId: string) {
  const version = await c.var.services.registry.getVersion(c.var.caller, versionId);
  if (version.skill_id !== skill.id) throw new AppError('not_found', `No such version of "${skill.name}"`);
  return version;
}

export interface SkillView {
  versionId?: string;
  file?: string;
  versionsCursor?: string;
  notice?: string;
}

/** Everything the skill page shows; `edit` carries a failed form back with its errors. */
export async function skillPageProps(
  c: ConsoleContext,
  name: string,
  view: SkillView,
  edit: EditState = {},
): Promise<SkillPageProps> {
  const { registry } = c.var.services;
  const { caller } = c.var;
  const skill = await registry.getSkill(caller, name, false);
  const versions = await registry.listVersions(caller, skill.id, {
    cursor: view.versionsCursor,
    limit: VERSIONS_PAGE_SIZE,
  });
  const versionId = view.versionId || skill.latest_version_id || versions.data[0]?.id;
  const version = versionId ? await versionOf(c, skill, versionId) : null;
  const rights = { edit: mayEdit(caller, skill), publish: hasRole(caller, 'publisher') };
  if (rights.edit && version && !edit.skillMd) {
    const { file } = await registry.readFile(caller, version.id, 'SKILL.md');
    const suggested = nextVersion(versions.data.map((v) => v.version));
    edit = { ...edit, skillMd: { errors: {}, text: new TextDecoder().decode(file.content), version: suggested } };
  }
  const fileLink = (path: string) => skillUrl(skill.name, { version: version?.id, file: path });
  return {
    skill,
    versions: versions.data,
    versionsNext: versions.next_cursor && skillUrl(skill.name, { version: versionId, vcursor: versions.next_cursor }),
    version,
    instructionsHtml: version ? renderMarkdown(version.instructions, fileLink) : '',
    file: version && view.file ? await shownFile(c, version, view.file) : undefined,
    rights,
    csrf: c.var.csrf,
    notice: view.notice ? NOTICES[view.notice] : undefined,
    edit,
  };
}

export function skillsPages(router: Hono<ConsoleEnv>) {
  router.get('/skills', async (c) => {
    const query = c.req.query();
    const filters: SkillFilters = {
      q: query.q?.trim().slice(0, 500) || undefined,
      tag: query.tag?.trim().slice(0, 64) || undefined,
      visibility: VisibilitySchema.safeParse(query.visibility).data,
    };
    const result = await c.var.services.registry.listSkills(c.var.caller, {
      ...filters,
      cursor: query.cursor || undefined,
      limit: SKILLS_PAGE_SIZE,
    });
    const next = result.next_cursor && withQuery('/console/skills', { ...filters, cursor: result.next_cursor });
    return pageOrFragment(
      c,
      { title: 'Skills', section: 'skills' },
      <SkillsPage skills={result.data} next={next} filters={filters} canCreate={hasRole(c.var.caller, 'author')} />,
      <SkillResults skills={result.data} next={next} filters={filters} />,
    );
  });

  router.get('/skills/:name', async (c) => {
    const query = c.req.query();
    if (query.fragment === 'file') {
      // The file viewer alone (htmx): the skill, the version and the file, nothing else of the page.
      const skill = await c.var.services.registry.getSkill(c.var.caller, c.req.param('name'), false);
      const versionId = query.version || skill.latest_version_id;
      if (!versionId || !query.file) throw new AppError('not_found', 'Name a version and a file to show');
      const file = await shownFile(c, await versionOf(c, skill, versionId), query.file);
      return html(c, <FileViewer file={file} />, 200, false);
    }
    const view = { versionId: query.version, file: query.file, versionsCursor: query.vcursor, notice: query.notice };
    const props = await skillPageProps(c, c.req.param('name'), view);
    return page(c, { title: props.skill.name, section: 'skills' }, <SkillPage {...props} />);
  });

  router.get('/versions/:id/download', (c) => versionZipResponse(c, c.req.param('id')));
}
