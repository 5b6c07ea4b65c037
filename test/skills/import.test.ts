import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { skillMd } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';
import type { Json } from '../runs/helpers.ts';

const md = (name: string, description = `The ${name} skill`) => skillMd({ name, description });

/** A checkout of a skills repository: skill folders at several depths, a README, a clash, a broken one. */
const CHECKOUT: Record<string, string> = {
  'README.md': '# Our skills\n',
  'skills/pdf/SKILL.md': md('pdf', 'Work with PDF files'),
  'skills/pdf/scripts/fill.py': 'print("fill")\n',
  'skills/docx/SKILL.md': md('docx', 'Work with Word documents'),
  'skills/docx/reference.md': '# Reference\n',
  'skills/lower/skill.md': md('lower'),
  'skills/broken/SKILL.md': '---\nname: broken\ndescription: [unclosed\n---\n',
  'skills/outer/SKILL.md': md('outer'),
  'skills/outer/notes.md': 'outer notes\n',
  'skills/outer/nested/inner/SKILL.md': md('inner'),
  'skills/outer/nested/inner/data.txt': 'inner data\n',
  'vendor/pdf/SKILL.md': md('pdf', 'Another pdf skill'),
  'tooling/build.sh': 'echo build\n',
};

const zip = (files: Record<string, string>) =>
  zipSync(Object.fromEntries(Object.entries(files).map(([path, text]) => [path, new TextEncoder().encode(text)])));

describe.each(backends)('POST /skills/import on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const importArchive = async (archive: Uint8Array, fields: Record<string, string> = {}, as?: Json) => {
    const form = new FormData();
    form.set('archive', new File([archive as Uint8Array<ArrayBuffer>], 'skills.zip'));
    for (const [key, value] of Object.entries(fields)) form.set(key, value);
    const res = await t.request('/skills/import', { method: 'POST', body: form, as });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const outcomes = (body: Json) =>
    Object.fromEntries(body.skills.map((s: Json) => [s.path, s.outcome === 'refused' ? s.detail : s.outcome]));

  it('imports every skill folder on its own, reporting clashes and refusals without stopping', async () => {
    const { status, body } = await importArchive(zip(CHECKOUT), { publish: 'true' });
    expect(status).toBe(200);
    expect(outcomes(body)).toEqual({
      'skills/broken': 'The bundle has 1 problem',
      'skills/docx': 'created',
      'skills/lower': 'created',
      'skills/outer': 'created',
      'skills/outer/nested/inner': 'created',
      'skills/pdf': 'created',
      'vendor/pdf': 'name clash: a skill named "pdf" is also at skills/pdf, imported from there',
    });
    expect(body.counts).toEqual({ created: 5, updated: 0, unchanged: 0, refused: 2 });
    const broken = body.skills.find((s: Json) => s.path === 'skills/broken');
    expect(broken.errors[0].message).toMatch(/^front matter is not valid YAML at line 4, column 1/);
    const lower = body.skills.find((s: Json) => s.path === 'skills/lower');
    expect(lower.warnings.map((w: Json) => w.message)).toContain(
      'the instructions file is named skill.md; stored as SKILL.md',
    );
    // A file belongs to the deepest skill folder above it.
    const outer = await (await t.request('/skills/outer/versions/latest')).json();
    expect(outer.files.map((f: Json) => f.path)).toEqual(['SKILL.md', 'notes.md']);
    const pdf = await (await t.request('/skills/pdf')).json();
    expect(pdf).toMatchObject({ description: 'Work with PDF files', latest_version: '1.0.0' });
  });

  it('imports the same archive again as unchanged, and a changed skill as a new version', async () => {
    const again = await importArchive(zip(CHECKOUT), { publish: 'true' });
    expect(again.body.counts).toEqual({ created: 0, updated: 0, unchanged: 5, refused: 2 });
    const changed = await importArchive(zip({ ...CHECKOUT, 'skills/docx/reference.md': '# Reference v2\n' }), {
      publish: 'true',
    });
    expect(changed.body.counts).toEqual({ created: 0, updated: 1, unchanged: 4, refused: 2 });
    expect(changed.body.skills.find((s: Json) => s.path === 'skills/docx')).toMatchObject({
      outcome: 'updated',
      version: '1.0.1',
    });
  });

  it('keeps imports in the caller organisation and checks roles', async () => {
    const other = await t.request('/skills/pdf', { as: { org: 'other-org' } });
    expect(other.status).toBe(404);
    expect((await importArchive(zip(CHECKOUT), {}, { role: 'viewer' })).status).toBe(403);
    expect((await importArchive(zip(CHECKOUT), { publish: 'true' }, { role: 'author' })).status).toBe(403);
    const drafts = await importArchive(zip({ 'x/fresh/SKILL.md': md('fresh') }), {}, { role: 'author', user: 'bob' });
    expect(drafts.body.skills[0]).toMatchObject({ outcome: 'created', version: '1.0.0' });
    expect((await (await t.request('/skills/fresh/versions')).json()).data[0].status).toBe('draft');
  });

  it('refuses an archive without skills, or with more than 100', async () => {
    const none = await importArchive(zip({ 'README.md': 'nothing here' }));
    expect(none.status).toBe(422);
    expect(none.body.detail).toBe('The archive has no folder with a SKILL.md');
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`s/k${i}/SKILL.md`, md(`k${i}`)]));
    const tooMany = await importArchive(zip(many));
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.detail).toMatch(/holds 101 skills; at most 100 per import/);
    expect((await t.request('/skills/k0')).status).toBe(404);
  });
});
