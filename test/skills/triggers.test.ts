/**
 * Trigger tests through the API: tests/triggers.json checked against the router, for drafts before they are
 * published, and required by publish?require_tests=true with the file's threshold (instruction-only skills too).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { bundleForm, skillMd, zipOf } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';
import type { Json } from '../runs/helpers.ts';

const OTHERS = {
  'csv-to-json': 'Convert CSV spreadsheets to JSON arrays of objects',
  'slide-maker': 'Turn an outline into a PowerPoint slide deck',
  'poem-writer': 'Write short poems and haiku about any topic',
};

const GUIDE = skillMd(
  { name: 'pdf-merge', description: 'Merge several PDF files into one PDF document, keeping bookmarks', tags: ['pdf'] },
  '# Merging PDFs\n\nUse qpdf.\n',
);

const triggers = (threshold: number, extra: string[] = [], topK = 3) =>
  JSON.stringify({
    should_trigger: ['merge two pdf files into one', 'combine these PDF documents', ...extra],
    should_not_trigger: ['write a haiku about the sea', 'convert my csv to json'],
    top_k: topK,
    threshold,
  });

describe.each(backends)('trigger tests on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
    for (const [name, description] of Object.entries(OTHERS)) {
      await publishSkill(t, { 'SKILL.md': skillMd({ name, description }) }, name);
    }
  });
  afterAll(() => t.close());

  const check = async (skill: string, body: unknown) => {
    const res = await t.request(`/skills/${skill}/triggers`, { method: 'POST', json: body });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const publish = (versionId: string) =>
    t.request(`/skill-versions/${versionId}/publish?require_tests=true`, { method: 'POST' });

  it('checks a draft against the router before it is published, with its own tests/triggers.json', async () => {
    const draft = await publishSkill(t, { 'SKILL.md': GUIDE, 'tests/triggers.json': triggers(1) }, 'pdf-merge', false);
    const { status, body } = await check('pdf-merge', { version: draft.version.version });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      skill: 'pdf-merge',
      version: '1.0.0',
      top1: { hits: 2, total: 2 },
      top3: { hits: 2, total: 2 },
      passed: 4,
      total: 4,
      rate: 1,
      ok: true,
    });
    expect(body.cases.map((c: Json) => [c.expect, c.rank === 1, c.passed])).toEqual([
      ['trigger', true, true],
      ['trigger', true, true],
      ['no_trigger', false, true],
      ['no_trigger', false, true],
    ]);
  });

  it('takes a suite in the request (a local file), and reports what missed', async () => {
    const suite = { should_trigger: ['write a poem about autumn'], should_not_trigger: ['merge pdf files'], top_k: 1 };
    const { body } = await check('pdf-merge', { suite });
    expect(body).toMatchObject({ version: null, passed: 0, total: 2, ok: false, threshold: 1 });
    expect(body.cases.map((c: Json) => [c.query, c.expect, c.rank === 1, c.passed])).toEqual([
      ['write a poem about autumn', 'trigger', false, false],
      ['merge pdf files', 'no_trigger', true, false],
    ]);
    // Each case says why: the skill's confidence and the request words it has.
    const merged = body.cases[1];
    expect(merged.matched).toEqual(expect.arrayContaining(['merg', 'pdf']));
    expect(merged.confidence).toBeGreaterThan(0.5);
    expect(body.cases[0].matched).toEqual([]);
    const invalid = await check('pdf-merge', { suite: { should_trigger: [], should_not_trigger: [] } });
    expect(invalid.status).toBe(400);
  });

  it('require_tests publishes an instruction-only skill when its triggers meet the threshold', async () => {
    const draft = await (await t.request('/skills/pdf-merge/versions/1.0.0')).json();
    const res = await publish(draft.id);
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('published');
  });

  it('require_tests keeps a draft whose triggers miss the threshold, saying which requests missed', async () => {
    const files = {
      'SKILL.md': GUIDE.replace('bookmarks', 'bookmarks and outlines'),
      'tests/triggers.json': triggers(0.9, ['write a poem about autumn'], 1),
    };
    const res = await t.request('/skills/pdf-merge/versions', {
      method: 'POST',
      body: bundleForm(zipOf(files, 'pdf-merge')),
    });
    const draft = (await res.json()).version;
    const refused = await publish(draft.id);
    expect(refused.status).toBe(422);
    const problem = await refused.json();
    expect(problem.detail).toBe('1 of 1 test cases failed; pdf-merge 1.0.1 stays a draft');
    expect(problem.errors).toEqual([
      {
        field: 'tests/triggers.json',
        message: expect.stringMatching(
          /^top-1 2\/3 \(67%\), top-3 \d\/3 \(\d+%\); 4 of 5 requests pass \(80%, threshold 90%\): "write a poem about autumn" should select pdf-merge \(within the first 1\) but it ranked/,
        ),
      },
    ]);
    expect((await (await t.request(`/skill-versions/${draft.id}`)).json()).status).toBe('draft');
  });

  it('refuses a skill without a triggers file, or with a broken one, and other organisations', async () => {
    expect((await check('csv-to-json', {})).status).toBe(422);
    const other = await t.request('/skills/pdf-merge/triggers', { method: 'POST', json: {}, as: { org: 'other-org' } });
    expect(other.status).toBe(404);
    const anonymous = await t.request('/skills/pdf-merge/triggers', {
      method: 'POST',
      json: {},
      headers: { authorization: 'Bearer nope' },
    });
    expect(anonymous.status).toBe(401);
    const broken = await publishSkill(
      t,
      { 'SKILL.md': skillMd({ name: 'broken-triggers', description: 'x' }), 'tests/triggers.json': '{"top_k": 99}' },
      'broken-triggers',
      false,
    );
    const res = await publish(broken.version.id);
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0]).toMatchObject({
      field: 'tests/triggers.json',
      message: expect.stringMatching(/is not a trigger suite \(top_k: .*; \(root\): list at least one request/),
    });
  });
});
