/**
 * Authoring from the console: upload a new skill or version (archive or folder), change a skill's details, make a
 * new version from an edited SKILL.md, publish and deprecate. The registry and the publisher decide who may; the
 * console shows the controls only to those, and shows refusals as errors beside the fields.
 */
import type { Hono } from 'hono';
import type { EditState } from '../../views/edit.tsx';
import { NewSkillPage } from '../../views/edit.tsx';
import { SkillPage, skillUrl } from '../../views/skill.tsx';
import { limitBody, SMALL_JSON_BYTES } from '../api/body-limit.ts';
import { readBundleParts } from '../api/multipart.ts';
import { statusOf } from '../api/problem.ts';
import { MAX_UPLOAD_BYTES } from '../api/skills/skills.index.ts';
import { UpdateSkillBodySchema } from '../api/skills/skills.routes.ts';
import { hasRole, requireRole } from '../auth/caller.ts';
import type { AppError } from '../errors.ts';
import { buildBundle } from '../skills/bundle.ts';
import { type ConsoleContext, type ConsoleEnv, field } from './context.ts';
import { bundleField, bundleUpload, formErrors, invalidForm, isFixable } from './forms.ts';
import { checkCsrf } from './middleware.tsx';
import { page, redirect } from './render.tsx';
import { skillPageProps } from './skills.pages.tsx';

/** SKILL.md is one file of at most this size; its form is bounded accordingly. */
const MAX_SKILL_MD_FORM_BYTES = 2 * 1024 * 1024;

/** The skill page again, with a failed form's errors beside its fields. */
async function skillPageWithErrors(c: ConsoleContext, error: AppError, versionId: string, edit: EditState) {
  const props = await skillPageProps(c, c.req.param('name') ?? '', { versionId }, edit);
  return page(c, { title: props.skill.name, section: 'skills', status: statusOf(error) }, <SkillPage {...props} />);
}

/** Tags as typed: comma or space separated. */
const splitTags = (text: string) =>
  text
    .split(/[,\s]+/)
    .map((t) => t.trim())
    .filter(Boolean);

export function authoringPages(router: Hono<ConsoleEnv>) {
  const csrf = checkCsrf((c) => c.get('session'));
  const upload = limitBody(MAX_UPLOAD_BYTES);
  const small = limitBody(SMALL_JSON_BYTES);

  router.get('/skills/new', (c) => {
    requireRole(c.var.caller, 'author', 'create skills');
    const canPublish = hasRole(c.var.caller, 'publisher');
    return page(
      c,
      { title: 'New skill', section: 'skills' },
      <NewSkillPage csrf={c.var.csrf} canPublish={canPublish} />,
    );
  });

  router.post('/skills/new', upload, csrf, async (c) => {
    const { caller } = c.var;
    try {
      const form = bundleUpload(c.var.form);
      const result = await c.var.services.registry.createSkillFromBundle(caller, await readBundleParts(form), {
        publish: form.publish,
        visibility: form.visibility ?? 'org',
        version: form.version,
      });
      return redirect(c, skillUrl(result.skill.name, { version: result.version.id, notice: 'uploaded' }));
    } catch (error) {
      if (!isFixable(error)) throw error;
      const errors = formErrors(error, bundleField);
      const body = <NewSkillPage csrf={c.var.csrf} canPublish={hasRole(caller, 'publisher')} errors={errors} />;
      return page(c, { title: 'New skill', section: 'skills', status: statusOf(error) }, body);
    }
  });

  router.post('/skills/:name/upload', upload, csrf, async (c) => {
    try {
      const form = bundleUpload(c.var.form);
      const result = await c.var.services.registry.uploadVersion(
        c.var.caller,
        c.req.param('name'),
        await readBundleParts(form),
        { publish: form.publish, version: form.version },
      );
      return redirect(c, skillUrl(result.skill.name, { version: result.version.id, notice: 'uploaded' }));
    } catch (error) {
      if (!isFixable(error)) throw error;
      return skillPageWithErrors(c, error, '', { upload: { errors: formErrors(error, bundleField) } });
    }
  });

  router.post('/skills/:name/details', small, csrf, async (c) => {
    const form = c.var.form;
    const values = {
      description: field(form, 'description'),
      tags: field(form, 'tags'),
      visibility: field(form, 'visibility'),
    };
    try {
      const patch = UpdateSkillBodySchema.safeParse({
        description: values.description.trim(),
        tags: splitTags(values.tags),
        visibility: values.visibility,
      });
      if (!patch.success) throw invalidForm(patch.error.issues);
      const skill = await c.var.services.registry.updateSkill(c.var.caller, c.req.param('name'), patch.data);
      return redirect(c, skillUrl(skill.name, { notice: 'saved' }));
    } catch (error) {
      if (!isFixable(error)) throw error;
      const errors = formErrors(error, (f) => /^body\.(description|tags|visibility)/.exec(f)?.[1]);
      return skillPageWithErrors(c, error, '', { details: { errors, values } });
    }
  });

  router.post('/skills/:name/versions', limitBody(MAX_SKILL_MD_FORM_BYTES), csrf, async (c) => {
    const { registry } = c.var.services;
    const form = c.var.form;
    const base = field(form, 'base');
    const text = field(form, 'skill_md');
    const version = field(form, 'version').trim();
    try {
      const { files } = await registry.readAllFiles(c.var.caller, base);
      const raw = files.map((f) => ({ path: f.path, data: new Uint8Array(f.content) }));
      const edited = [
        ...raw.filter((f) => f.path !== 'SKILL.md'),
        { path: 'SKILL.md', data: new TextEncoder().encode(text) },
      ];
      const fields = bundleUpload({ version, publish: field(form, 'publish') });
      const result = await registry.uploadVersion(c.var.caller, c.req.param('name'), await buildBundle(edited), {
        publish: fields.publish,
        version: fields.version,
      });
      return redirect(c, skillUrl(result.skill.name, { version: result.version.id, notice: 'uploaded' }));
    } catch (error) {
      if (!isFixable(error)) throw error;
      const errors = formErrors(error, (f) =>
        f === 'body.version' ? 'version' : f.startsWith('body.') ? undefined : 'skill_md',
      );
      if (error.code === 'conflict') errors.version = [{ field: 'version', message: 'this version exists already' }];
      return skillPageWithErrors(c, error, base, { skillMd: { errors, text, version } });
    }
  });

  router.post('/versions/:id/publish', small, csrf, async (c) => {
    const requireTests = field(c.var.form, 'require_tests') === 'true';
    const version = await c.var.services.publisher.publish(c.var.caller, c.req.param('id'), { requireTests });
    return redirect(c, skillUrl(version.name, { version: version.id, notice: 'published' }));
  });

  router.post('/versions/:id/deprecate', small, csrf, async (c) => {
    const version = await c.var.services.registry.setStatus(c.var.caller, c.req.param('id'), 'deprecated');
    return redirect(c, skillUrl(version.name, { version: version.id, notice: 'deprecated' }));
  });
}
