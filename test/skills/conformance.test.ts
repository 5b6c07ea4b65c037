/**
 * The server held to the test suite of the Agent Skills reference validator (`skills-ref` in agentskills/agentskills:
 * tests/test_validator.py and tests/test_parser.py), case by case, through the upload API. Where open-skills differs
 * on purpose it says so: unknown fields are kept with a warning (the reference refuses them) because open-skills
 * has fields of its own and real skills carry others (`when_to_use`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { bundleForm, zipOf } from '../helpers/bundles.ts';

interface Problem {
  detail: string;
  errors?: { field: string; message: string }[];
}
interface Uploaded {
  skill: { name: string };
  version: { id: string; metadata: Record<string, string>; allowed_tools: string | null; files: { path: string }[] };
  warnings: { field: string; message: string }[];
}

describe('conformance with the skills-ref validator', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t.close());

  /** Uploads `files` zipped under `folder` as a new skill. */
  const upload = async (folder: string, files: Record<string, string>) => {
    const res = await t.request('/skills', { method: 'POST', body: bundleForm(zipOf(files, folder)) });
    return { status: res.status, body: (await res.json()) as Uploaded & Problem };
  };
  const skill = (front: string, body = '# Body\n') => ({ 'SKILL.md': `---\n${front}\n---\n${body}` });
  const accepted = async (folder: string, files: Record<string, string>) => {
    const { status, body } = await upload(folder, files);
    expect(status, JSON.stringify(body)).toBe(201);
    return body;
  };
  /** Refused with 422 and exactly the errors matching `patterns`, in order. */
  const refused = async (folder: string, files: Record<string, string>, ...patterns: RegExp[]) => {
    const { status, body } = await upload(folder, files);
    expect(status, JSON.stringify(body)).toBe(422);
    const errors = (body.errors ?? []).map((e) => `${e.field}: ${e.message}`);
    expect(errors).toHaveLength(patterns.length);
    for (const [i, pattern] of patterns.entries()) expect(errors[i]).toMatch(pattern);
    return errors;
  };

  describe('test_validator.py', () => {
    it('valid skill', () => accepted('my-skill', skill('name: my-skill\ndescription: A test skill')));
    it('missing SKILL.md', () => refused('my-skill', { 'README.md': 'hi' }, /no SKILL\.md/));
    it('uppercase name', () =>
      refused('MySkill', skill('name: MySkill\ndescription: A test skill'), /#name: .*must be lowercase/));
    it('name too long', () =>
      refused(
        'a'.repeat(70),
        skill(`name: ${'a'.repeat(70)}\ndescription: A test skill`),
        /#name: .*70 characters; at most 64/,
      ));
    it('leading hyphen', () =>
      refused('-my-skill', skill('name: -my-skill\ndescription: A test skill'), /must not start or end with a hyphen/));
    it('consecutive hyphens', () =>
      refused('my--skill', skill('name: my--skill\ndescription: A test skill'), /consecutive hyphens/));
    it('invalid characters', () =>
      refused('my_skill', skill('name: my_skill\ndescription: A test skill'), /only contain letters, digits/));
    it('directory mismatch', () =>
      refused('wrong-name', skill('name: correct-name\ndescription: A test skill'), /must equal the folder name/));
    it('unexpected fields: kept with a warning (the reference refuses them; see the file comment)', async () => {
      const body = await accepted('unknown-field', skill('name: unknown-field\ndescription: d\nunknown_field: x'));
      expect(body.warnings.map((w) => w.message)).toContain('unknown field "unknown_field" is kept but not used');
    });
    it('valid with all fields', async () => {
      const body = await accepted(
        'all-fields',
        skill('name: all-fields\ndescription: A test skill\nlicense: MIT\nmetadata:\n  author: Test'),
      );
      expect(body.version.metadata).toEqual({ author: 'Test' });
    });
    it.each([
      ['a string', 'allowed-tools: Bash(jq:*) Bash(git:*)', 'Bash(jq:*) Bash(git:*)'],
      ['an inline list', 'allowed-tools: [Read, Write, Edit, Bash]', 'Read Write Edit Bash'],
      ['a block list', 'allowed-tools:\n  - Read\n  - Bash\n  - Grep', 'Read Bash Grep'],
    ])('allowed-tools as %s', async (_, line, expected) => {
      const name = `tools-${expected.length}`;
      const body = await accepted(name, skill(`name: ${name}\ndescription: d\n${line}`));
      expect(body.version.allowed_tools).toBe(expected);
    });
    it('allowed-tools list items must be strings', () =>
      refused(
        'tools-bad',
        skill('name: tools-bad\ndescription: d\nallowed-tools:\n  - Read\n  - 123'),
        /list items must all be strings/,
      ));
    it('allowed-tools scalar must be a string', () =>
      refused(
        'tools-num',
        skill('name: tools-num\ndescription: d\nallowed-tools: 123'),
        /string or a list of strings/,
      ));
    it.each([['技能'], ['мой-навык'], ['навык']])('i18n name %s', async (name) => {
      const body = await accepted(name, skill(`name: ${name}\ndescription: A skill named ${name}`));
      expect(body.skill.name).toBe(name);
      const res = await t.request(`/skills/${encodeURIComponent(name)}`);
      expect(res.status).toBe(200);
      const content = await t.request(`/skill-versions/${body.version.id}/content`);
      expect(content.status).toBe(200);
      expect(content.headers.get('content-disposition')).toContain(encodeURIComponent(name));
    });
    it('i18n uppercase name is refused', () =>
      refused('НАВЫК', skill('name: НАВЫК\ndescription: d'), /must be lowercase/));
    it('description too long', () =>
      refused(
        'long-desc',
        skill(`name: long-desc\ndescription: ${'x'.repeat(1100)}`),
        /1100 characters; at most 1024/,
      ));
    it('valid compatibility', () =>
      accepted('compat', skill('name: compat\ndescription: d\ncompatibility: Requires Python 3.11+')));
    it('compatibility too long', () =>
      refused(
        'compat-long',
        skill(`name: compat-long\ndescription: d\ncompatibility: ${'x'.repeat(550)}`),
        /at most 500/,
      ));
    it('NFKC: a decomposed name matches its composed folder and is stored composed', async () => {
      const body = await accepted('café', skill('name: cafe\u0301\ndescription: A test skill'));
      expect(body.skill.name).toBe('café');
      expect((await t.request(`/skills/${encodeURIComponent('cafe\u0301')}`)).status).toBe(200);
    });
  });

  describe('test_parser.py', () => {
    it('missing front matter', () =>
      refused('no-front', { 'SKILL.md': '# No frontmatter here' }, /must start with YAML/));
    it('front matter never closed is refused, not read to the end of the file', () =>
      refused('unclosed', { 'SKILL.md': '---\nname: unclosed\ndescription: A test skill\n' }, /never closed/));
    it('invalid YAML: one error with line, column and the offending lines, nothing else', async () => {
      const [error] = await refused(
        'bad-yaml',
        { 'SKILL.md': '---\nname: [invalid\ndescription: broken\n---\nBody here\n' },
        /^SKILL\.md:3:1: front matter is not valid YAML at line 3, column 1: Flow sequence .* end with a \]/,
      );
      expect(error).toContain('\n    2: name: [invalid\n    3: description: broken\n       ^');
    });
    it('front matter that is not a mapping: one error saying so', () =>
      refused(
        'a-list',
        { 'SKILL.md': '---\n- just\n- a\n- list\n---\nBody\n' },
        /must be a YAML mapping .* not a list/,
      ));
    it('metadata keeps the text the author wrote', async () => {
      const body = await accepted(
        'with-metadata',
        skill('name: with-metadata\ndescription: d\nmetadata:\n  author: Test Author\n  version: 1.0\n  build: 007'),
      );
      expect(body.version.metadata).toEqual({ author: 'Test Author', version: '1.0', build: '007' });
      const version = await (await t.request(`/skill-versions/${body.version.id}`)).json();
      expect(version.metadata.version).toBe('1.0');
    });
    it('missing name', () => refused('no-name', skill('description: A test skill'), /#name: name is required/));
    it('missing description', () =>
      refused('no-desc', skill('name: no-desc'), /#description: description is required/));
    it('a lowercase skill.md is read, with a warning, and stored as SKILL.md', async () => {
      const body = await accepted('lower', {
        'skill.md': '---\nname: lower\ndescription: A test skill\n---\n# Body\n',
      });
      expect(body.warnings.map((w) => w.message)).toContain(
        'the instructions file is named skill.md; stored as SKILL.md',
      );
      expect(body.version.files.map((f) => f.path)).toEqual(['SKILL.md']);
    });
    it('SKILL.md is preferred over skill.md', async () => {
      const body = await accepted('both', {
        'SKILL.md': '---\nname: both\ndescription: upper\n---\n',
        'skill.md': 'not the instructions',
      });
      expect(body.warnings).toEqual([expect.objectContaining({ field: 'SKILL.md#version' })]);
    });
  });

  describe('open-skills rules on top', () => {
    it('version: 1.0 is an error naming the semver to write', () =>
      refused(
        'short-version',
        skill('name: short-version\ndescription: d\nversion: 1.0'),
        /"1\.0" is not valid semver; write 1\.0\.0/,
      ));
    it('a JSON-created skill follows the same name rule', async () => {
      const ok = await t.request('/skills', { method: 'POST', json: { name: 'навык-два' } });
      expect(ok.status).toBe(201);
      const bad = await t.request('/skills', { method: 'POST', json: { name: 'Навык' } });
      expect(bad.status).toBe(400);
    });
  });
});
