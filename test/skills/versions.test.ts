/**
 * Version numbers and labels through the API: identical uploads return the existing version, drafts may be
 * replaced, published versions never change (409 saying what to do), and labels name published versions wherever
 * a version is accepted (reads, downloads, runs).
 */
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { bundleForm, zipOf } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';
import { codeSkill, type Json, run } from '../runs/helpers.ts';

describe.each(backends)('versions and labels on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  /** A runnable skill whose output names `mark`, without a version in SKILL.md unless given. */
  const files = (name: string, mark: string, version?: string) => {
    const skill = codeSkill(name, `export default () => ({ mark: ${JSON.stringify(mark)} });`, { version });
    const md = String(skill['SKILL.md']);
    return { ...skill, 'SKILL.md': version ? md : md.replace(/^version: .*\n/m, '') };
  };
  const upload = async (name: string, mark: string, fields: Record<string, string> = {}, version?: string) => {
    const res = await t.request(`/skills/${name}/versions`, {
      method: 'POST',
      body: bundleForm(zipOf(files(name, mark, version), name), fields),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const versions = async (name: string) =>
    ((await (await t.request(`/skills/${name}/versions`)).json()) as Json).data.map(
      (v: Json) => `${v.version}:${v.status}`,
    );

  it('content identical to an existing version returns it (200) instead of a new patch version', async () => {
    const first = await publishSkill(t, files('same', 'a'), 'same');
    expect(first.version.version).toBe('1.0.0');
    for (let i = 0; i < 3; i++) {
      const again = await upload('same', 'a', { publish: 'true' });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ outcome: 'unchanged', version: { id: first.version.id, version: '1.0.0' } });
    }
    const changed = await upload('same', 'b');
    expect(changed.status).toBe(201);
    expect(changed.body).toMatchObject({ outcome: 'created', version: { version: '1.0.1', status: 'draft' } });
    expect(await versions('same')).toEqual(['1.0.1:draft', '1.0.0:published']);
    // The same content as the draft, now with publish=true: the draft is published, nothing new is stored.
    const publish = await upload('same', 'b', { publish: 'true' });
    expect(publish).toMatchObject({ status: 200, body: { outcome: 'unchanged', version: { status: 'published' } } });
    expect(await versions('same')).toEqual(['1.0.1:published', '1.0.0:published']);
  });

  it('a never-published version is replaced by uploading its number again; its runs stay readable', async () => {
    await publishSkill(t, files('drafty', 'one', '1.0.0'), 'drafty');
    const draft = await upload('drafty', 'two', {}, '2.0.0');
    expect(draft.body.version.status).toBe('draft');
    const ran = await run(t, { skill: 'drafty', version: '2.0.0', input: {} });
    expect(ran.body.output).toEqual({ mark: 'two' });

    const replaced = await upload('drafty', 'three', {}, '2.0.0');
    expect(replaced.status).toBe(201);
    expect(replaced.body.outcome).toBe('replaced');
    expect(replaced.body.warnings).toContainEqual({
      field: 'SKILL.md#version',
      message: 'replaced the draft 2.0.0, which was never published',
    });
    expect(replaced.body.version.id).not.toBe(draft.body.version.id);
    expect((await t.request(`/skill-versions/${draft.body.version.id}`)).status).toBe(404);
    expect(await versions('drafty')).toEqual(['2.0.0:draft', '1.0.0:published']);
    expect((await run(t, { skill: 'drafty', version: '2.0.0', input: {} })).body.output).toEqual({ mark: 'three' });
    const old = await (await t.request(`/runs/${ran.body.id}`)).json();
    expect(old).toMatchObject({ status: 'succeeded', version: '2.0.0', skill_version_id: null });
  });

  it('a published number is a 409 that says which case applies and names a free version', async () => {
    const published = await upload('drafty', 'four', { publish: 'true' }, '3.0.0');
    expect(published.body.version.status).toBe('published');
    await upload('drafty', 'five', {}, '3.0.1');
    const clash = await upload('drafty', 'six', {}, '3.0.0');
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({
      conflict: 'published_version',
      version: '3.0.0',
      version_status: 'published',
      suggested_version: '3.0.2',
    });
    expect(clash.body.detail).toMatch(/is published, and published versions never change.*3\.0\.2 is free/);
    const form = await t.request('/skills/drafty/versions', {
      method: 'POST',
      body: bundleForm(zipOf(files('drafty', 'six'), 'drafty'), { version: '1.0.0' }),
    });
    expect(form.status).toBe(409);
  });

  describe('labels', () => {
    beforeAll(async () => {
      await publishSkill(t, files('labelled', 'v1', '1.0.0'), 'labelled');
      await upload('labelled', 'v2', { publish: 'true' }, '1.1.0');
      await upload('labelled', 'v3', {}, '1.2.0-rc.1');
    });
    const put = (label: string, version: string, as?: Json) =>
      t.request(`/skills/labelled/labels/${label}`, { method: 'PUT', json: { version }, as });

    it('points a label at a published version; the skill, lists and versions show it', async () => {
      const res = await put('production', '1.0.0');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ label: 'production', version: '1.0.0' });
      expect((await put('staging', 'latest')).status).toBe(200);
      const skill = await (await t.request('/skills/labelled')).json();
      expect(skill.labels).toEqual({ production: '1.0.0', staging: '1.1.0' });
      const list = await (await t.request('/skills?limit=100')).json();
      expect(list.data.find((s: Json) => s.name === 'labelled').labels).toEqual(skill.labels);
      const page = await (await t.request('/skills/labelled/versions')).json();
      expect(page.data.map((v: Json) => [v.version, v.labels])).toEqual([
        ['1.2.0-rc.1', []],
        ['1.1.0', ['staging']],
        ['1.0.0', ['production']],
      ]);
    });

    it('reads, downloads and runs accept a label; promoting is moving it', async () => {
      const byLabel = await (await t.request('/skills/labelled/versions/production')).json();
      expect(byLabel).toMatchObject({ version: '1.0.0', labels: ['production'] });
      const zip = await t.request('/skills/labelled/versions/staging/content');
      expect(zip.headers.get('content-disposition')).toContain('labelled-1.1.0.zip');
      expect(Object.keys(unzipSync(new Uint8Array(await zip.arrayBuffer())))).toContain('labelled/SKILL.md');
      expect((await run(t, { skill: 'labelled', version: 'production', input: {} })).body).toMatchObject({
        version: '1.0.0',
        output: { mark: 'v1' },
      });
      expect((await put('production', 'staging')).status).toBe(200);
      expect((await run(t, { skill: 'labelled', version: 'production', input: {} })).body).toMatchObject({
        version: '1.1.0',
        output: { mark: 'v2' },
      });
      const latest = await (await t.request('/skills/labelled/versions/latest')).json();
      expect(latest.version).toBe('1.1.0');
      for (const path of ['/skills/labelled/versions/production', '/skills/labelled/versions/latest/content']) {
        expect((await t.request(path, { as: { org: 'other-org' } })).status).toBe(404);
      }
    });

    it('refuses drafts, reserved or semver-like names and roles below publisher', async () => {
      const draft = await put('beta', '1.2.0-rc.1');
      expect(draft.status).toBe(409);
      expect((await draft.json()).detail).toMatch(/is draft; labels point at published versions only \(publish it/);
      for (const name of ['latest', '2.0.0', 'Bad_Name']) expect((await put(name, '1.0.0')).status).toBe(400);
      expect((await put('canary', '9.9.9')).status).toBe(404);
      expect((await put('canary', '1.0.0', { role: 'author' })).status).toBe(403);
      const other = await t.request('/skills/labelled/labels/canary', {
        method: 'PUT',
        json: { version: '1.0.0' },
        as: { org: 'other-org' },
      });
      expect(other.status).toBe(404);
    });

    it('removes a label; afterwards it names nothing', async () => {
      expect((await t.request('/skills/labelled/labels/staging', { method: 'DELETE' })).status).toBe(204);
      expect((await t.request('/skills/labelled/labels/staging', { method: 'DELETE' })).status).toBe(404);
      const missing = await run(t, { skill: 'labelled', version: 'staging', input: {} });
      expect(missing.status).toBe(404);
      expect(missing.body.detail).toBe('Skill "labelled" has no version or label "staging" (labels: production)');
      expect((await (await t.request('/skills/labelled')).json()).labels).toEqual({ production: '1.1.0' });
    });
  });
});
