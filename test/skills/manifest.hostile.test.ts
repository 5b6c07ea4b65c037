/**
 * Hostile SKILL.md files (issue 10, class 5): parsing is bounded in size, alias expansion and declared fields, each
 * refusal is a 422 that stores nothing, a benign upload right after succeeds, and no listing or prompt block grows
 * large because one skill is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { bundleForm, zipOf } from '../helpers/bundles.ts';

const front = (lines: string) => `---\nname: hostile\ndescription: A hostile skill\n${lines}\n---\n# Body\n`;

/** `levels` of anchors, each a list of `width` aliases of the one before: width^levels nodes once expanded. */
function laughs(levels: number, width: number): string {
  const lines = [`l0: &l0 ["lol"]`];
  for (let i = 1; i <= levels; i++) {
    lines.push(`l${i}: &l${i} [${Array.from({ length: width }, () => `*l${i - 1}`).join(', ')}]`);
  }
  return lines.join('\n');
}

const CASES: [string, string, RegExp][] = [
  ['front matter over 64 KB', front(`notes: "${'x'.repeat(66 * 1024)}"`), /front matter is 67 KB; at most 64 KB/],
  ['a billion laughs (9 levels of 9 aliases)', front(laughs(9, 9)), /aliases .* expand past the budget of 100 nodes/],
  [
    'few aliases of a large anchor (expands past 256 KB)',
    front(`big: &big "${'y'.repeat(60 * 1024)}"\ncopies: [*big, *big, *big, *big, *big]`),
    /front matter expands to .* at most 256 KB/,
  ],
  [
    'nesting 30,000 deep',
    front(`deep: ${'['.repeat(30_000)}${']'.repeat(30_000)}`),
    /SKILL\.md: front matter nests \[ \] or \{ \} deeper than 64 levels/,
  ],
  [
    'a description over 1,024 characters',
    `---\nname: hostile\ndescription: ${'d'.repeat(5000)}\n---\n`,
    /at most 1024/,
  ],
  ['51 tags', front(`tags: [${Array.from({ length: 51 }, (_, i) => `t${i}`).join(', ')}]`), /51 tags; at most 50/],
  ['a 1,000-character tag', front(`tags: ["${'t'.repeat(1000)}"]`), /is over 64 characters/],
  [
    'metadata with 101 entries',
    front(`metadata:\n${Array.from({ length: 101 }, (_, i) => `  k${i}: v`).join('\n')}`),
    /metadata has 101 entries/,
  ],
  [
    'metadata over 16 KB',
    front(`metadata:\n  blob: "${'m'.repeat(20_000)}"`),
    /metadata has 1 entry \(20 KB\); at most 100 entries and 16 KB/,
  ],
  [
    '65 declared inputs',
    front(`inputs:\n${Array.from({ length: 65 }, (_, i) => `  - { name: in${i}, type: string }`).join('\n')}`),
    /SKILL\.md#inputs: .*64/,
  ],
];

describe('hostile SKILL.md front matter', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t.close());

  const rows = async () =>
    (await t.db.query<{ n: number }>('select count(*)::int as n from skill_versions'))[0]?.n ?? 0;

  it.each(CASES)('refuses %s with one 422 error, stores nothing, then serves a benign upload', async (_, md, error) => {
    const before = await rows();
    const res = await t.request('/skills', { method: 'POST', body: bundleForm(zipOf({ 'SKILL.md': md }, 'hostile')) });
    expect(res.status).toBe(422);
    const problem = await res.json();
    const messages = problem.errors.map((e: { field: string; message: string }) => `${e.field}: ${e.message}`);
    expect(messages.join('\n')).toMatch(error);
    expect(messages.join('\n').length).toBeLessThan(2000);
    expect(await rows()).toBe(before);
    const benign = `benign-${before}`;
    await publishSkill(t, { 'SKILL.md': `---\nname: ${benign}\ndescription: fine\n---\n` }, benign);
  });

  it('a skill at every cap keeps listings, search and prompt blocks small', async () => {
    const inputs = Array.from(
      { length: 64 },
      (_, i) => `  - { name: in${i}, type: string, description: "${'i'.repeat(850)}" }`,
    ).join('\n');
    const md = `---\nname: huge\ndescription: ${'h'.repeat(1024)}\ntags: [${Array.from({ length: 50 }, (_, i) => `tag${i}`).join(', ')}]\ninputs:\n${inputs}\n---\n${'# Body\n'.repeat(100_000)}`;
    expect(Buffer.byteLength(md.slice(0, md.indexOf('\n---\n', 4)))).toBeGreaterThan(55 * 1024);
    await publishSkill(t, { 'SKILL.md': md }, 'huge');
    await t.indexed();
    const sizes = {
      list: (await (await t.request('/skills?limit=100')).text()).length,
      search: (await (await t.request('/skills/search', { method: 'POST', json: { query: 'huge' } })).text()).length,
      prompt: (await (await t.request('/skills/prompt', { method: 'POST', json: {} })).text()).length,
    };
    // One skill adds at most its capped fields (~60 KB of declared inputs), never its 600 KB body.
    expect(sizes.list).toBeLessThan(100 * 1024);
    expect(sizes.search).toBeLessThan(100 * 1024);
    expect(sizes.prompt).toBeLessThan(8 * 1024);
  });
});
