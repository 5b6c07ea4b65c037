import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CHUNKS } from '../../src/router/chunks.ts';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { skillMd } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';

interface Hit {
  skill: { name: string; version_id: string };
  score: number;
  confidence: number;
  explain: {
    vector_chunk?: number | null;
    matched_terms?: { fields: string[]; body: string[] };
    words?: { word: string; idf: number; credit: number }[];
    evidence?: number;
  };
}

const filler = (topic: string, n: number) =>
  Array.from({ length: n }, (_, i) => `Step ${i + 1}: check the ${topic} output page by page and keep a copy.`).join(
    '\n\n',
  );

/** A PDF skill whose description says little; its body, files and late sections say the rest. */
const PDF_BODY = `# PDF toolkit

## Filling forms
Fill AcroForm fields: read the field names first, then write values with scripts/fill_form.py.

${filler('document', 40)}

## Redaction
Black out social security numbers and bank account details permanently, so copied text cannot reveal them.
`;

describe.each(backends)('routing over whole skills on %s', (backend) => {
  let t: TestApp;
  const search = async (body: Record<string, unknown>) => {
    const res = await t.request('/skills/search', { method: 'POST', json: body });
    expect(res.status).toBe(200);
    return (await res.json()) as { results: Hit[] };
  };

  beforeAll(async () => {
    t = await createTestApp(backend);
    await publishSkill(
      t,
      {
        'SKILL.md': skillMd(
          { name: 'pdf-toolkit', description: 'Work with PDF documents.', version: '1.0.0' },
          PDF_BODY,
        ),
        'scripts/fill_form.py': 'print("fill")\n',
      },
      'pdf-toolkit',
    );
    await publishSkill(
      t,
      { 'SKILL.md': skillMd({ name: 'csv-cleaner', description: 'Clean and reshape CSV tables.', version: '1.0.0' }) },
      'csv-cleaner',
    );
    // Mentions CSV all over a huge body, but is about something else.
    const huge = `${'Some exports arrive as csv tables before they are archived. '.repeat(3_000)}`;
    await publishSkill(
      t,
      {
        'SKILL.md': skillMd(
          { name: 'archive-manager', description: 'Archive old records to cold storage.', version: '1.0.0' },
          huge,
        ),
      },
      'archive-manager',
    );
    await publishSkill(
      t,
      {
        'SKILL.md': skillMd(
          {
            name: 'meeting-notes',
            description: 'Summarise meetings into decisions and action items.',
            when_to_use: 'When the user pastes a call transcript.',
            version: '1.0.0',
          },
          '',
        ),
      },
      'meeting-notes',
    );
    await publishSkill(
      t,
      {
        'SKILL.md': skillMd(
          { name: 'translator', description: 'Translate text between languages.', version: '1.0.0' },
          '',
        ),
      },
      'translator',
    );
    await t.indexed();
  }, 60_000);
  afterAll(() => t.close());

  it('finds a skill by words only its body has, and explain says where they matched', async () => {
    const { results } = await search({ query: 'fill in the acroform fields', explain: true });
    expect(results[0]!.skill.name).toBe('pdf-toolkit');
    const terms = results[0]!.explain.matched_terms!;
    expect(terms.body).toEqual(expect.arrayContaining(['acroform', 'field']));
    expect(terms.fields).not.toContain('acroform');
    const acroform = results[0]!.explain.words!.find((w) => w.word === 'acroform')!;
    expect(acroform.credit).toBe(0.5);
    expect(acroform.idf).toBeGreaterThan(0);
    // Without explain, the extra detail is left out.
    const plain = await search({ query: 'fill in the acroform fields' });
    expect(plain.results[0]!.explain.matched_terms).toBeUndefined();
  });

  it("reads the bundle's file names and the when_to_use field", async () => {
    const byFile = await search({ query: 'fill_form', explain: true });
    expect(byFile.results[0]!.skill.name).toBe('pdf-toolkit');
    const byWhen = await search({ query: 'here is a call transcript', explain: true });
    expect(byWhen.results[0]!.skill.name).toBe('meeting-notes');
    expect(byWhen.results[0]!.explain.matched_terms!.body).toEqual(expect.arrayContaining(['transcript']));
  });

  it('embeds a long body in chunks, and the vector signal finds a late section', async () => {
    const [pdf] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from skill_version_chunks c join skill_versions v on v.id = c.version_id
       where v.name = 'pdf-toolkit'`,
    );
    expect(pdf!.n).toBeGreaterThan(1);
    const [huge] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from skill_version_chunks c join skill_versions v on v.id = c.version_id
       where v.name = 'archive-manager'`,
    );
    expect(huge!.n).toBe(MAX_CHUNKS);
    const { results } = await search({ query: 'black out social security numbers', mode: 'vector', explain: true });
    expect(results[0]!.skill.name).toBe('pdf-toolkit');
    expect(results[0]!.explain.vector_chunk).toBeGreaterThan(0);
  });

  it('keeps a huge body from outranking a skill whose description fits', async () => {
    const { results } = await search({ query: 'clean up a csv table' });
    expect(results[0]!.skill.name).toBe('csv-cleaner');
    expect(results.map((r) => r.skill.name)).toContain('archive-manager');
  });

  it('keeps skills without a body findable', async () => {
    const { results } = await search({ query: 'translate this text into french' });
    expect(results[0]!.skill.name).toBe('translator');
  });

  it('gives every result a confidence in [0, 1] that falls with the score', async () => {
    for (const query of ['fill pdf forms', 'csv', 'summarise this meeting', 'boil an egg', 'the']) {
      const { results } = await search({ query, top_k: 10, explain: true });
      for (const [i, hit] of results.entries()) {
        expect(hit.confidence).toBeGreaterThanOrEqual(0);
        expect(hit.confidence).toBeLessThanOrEqual(1);
        expect(hit.confidence).toBeLessThanOrEqual(hit.explain.evidence! + 1e-9);
        if (i > 0) {
          expect(hit.score).toBeLessThanOrEqual(results[i - 1]!.score);
          expect(hit.confidence).toBeLessThanOrEqual(results[i - 1]!.confidence);
        }
      }
    }
    const sure = await search({ query: 'fill the acroform fields of a pdf' });
    const unsure = await search({ query: 'how long should I boil an egg' });
    expect(sure.results[0]!.confidence).toBeGreaterThan(0.8);
    expect(unsure.results[0]?.confidence ?? 0).toBeLessThan(0.5);
    const filtered = await search({ query: 'how long should I boil an egg', min_confidence: 0.5 });
    expect(filtered.results).toEqual([]);
  });

  it('select picks a skill that fits and abstains when nothing does', async () => {
    const select = async (body: Record<string, unknown>) => {
      const res = await t.request('/skills/select', { method: 'POST', json: body });
      expect(res.status).toBe(200);
      return (await res.json()) as {
        skills: { confidence: number; version: { name: string } }[];
        best_confidence: number | null;
      };
    };
    const fits = await select({ query: 'redact the social security numbers in this pdf' });
    expect(fits.skills[0]!.version.name).toBe('pdf-toolkit');
    expect(fits.skills.every((s) => s.confidence >= 0.5)).toBe(true);
    const off = await select({ query: 'what wine goes well with grilled salmon' });
    expect(off.skills).toEqual([]);
    expect(off.best_confidence ?? 0).toBeLessThan(0.5);
    const forced = await select({ query: 'what wine goes well with grilled salmon', min_confidence: 0 });
    expect(forced.skills.length).toBeGreaterThan(0);
  });

  it('rejects bad confidence and explain values', async () => {
    for (const body of [
      { query: 'pdf', min_confidence: 2 },
      { query: 'pdf', min_confidence: -0.1 },
      { query: 'pdf', explain: 'yes' },
    ]) {
      const res = await t.request('/skills/search', { method: 'POST', json: body });
      expect(res.status).toBe(400);
    }
    const res = await t.request('/skills/select', { method: 'POST', json: { query: 'pdf', min_confidence: 1.5 } });
    expect(res.status).toBe(400);
  });

  it('drops the chunks of a draft that a re-upload replaces', async () => {
    const upload = (body: string) =>
      publishSkill(
        t,
        { 'SKILL.md': skillMd({ name: 'draft-notes', description: 'Notes, a draft.', version: '0.1.0' }, body) },
        'draft-notes',
        false,
      );
    const first = await upload(`# First\n\n${filler('first', 60)}`);
    await t.indexed();
    const count = async (id: string) =>
      (
        await t.db.query<{ n: number }>('select count(*)::int as n from skill_version_chunks where version_id = $1', [
          id,
        ])
      )[0]!.n;
    expect(await count(first.version.id)).toBeGreaterThan(1);
    const second = await t.request('/skills/draft-notes/versions', {
      method: 'POST',
      body: (await import('../helpers/bundles.ts')).bundleForm(
        (await import('../helpers/bundles.ts')).zipOf(
          {
            'SKILL.md': skillMd(
              { name: 'draft-notes', description: 'Notes, a draft.', version: '0.1.0' },
              '# Second\n',
            ),
          },
          'draft-notes',
        ),
      ),
    });
    expect(second.status).toBeLessThan(300);
    await t.indexed();
    expect(await count(first.version.id)).toBe(0);
  });
});
