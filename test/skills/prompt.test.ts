import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { skillMd } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';

const SKILLS = {
  'pdf-merge': { description: 'Merge several PDF files into one PDF document, keeping bookmarks', tags: ['pdf'] },
  'pdf-split': { description: 'Split a PDF document into one file per page', tags: ['pdf'] },
  'csv-to-json': { description: 'Convert CSV spreadsheets to JSON arrays of objects', tags: ['csv', 'json'] },
  'json-to-csv': { description: 'Convert JSON arrays of objects to CSV text', tags: ['csv', 'json'] },
  'slide-maker': { description: 'Turn an outline into a PowerPoint slide deck', tags: ['pptx'] },
};

describe.each(backends)('POST /skills/prompt selects skills on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
    for (const [name, front] of Object.entries(SKILLS)) {
      await publishSkill(t, { 'SKILL.md': skillMd({ name, ...front }) }, name);
    }
    await t.indexed();
  });
  afterAll(() => t.close());

  const names = async (body: unknown) => {
    const res = await t.request('/skills/prompt', { method: 'POST', json: body });
    expect(res.status, await res.clone().text()).toBe(200);
    return [...(await res.text()).matchAll(/<name>\n(.+)\n<\/name>/g)].map((m) => m[1]);
  };

  it('lists every published skill by name without a selection', async () => {
    expect(await names({})).toEqual(['csv-to-json', 'json-to-csv', 'pdf-merge', 'pdf-split', 'slide-maker']);
  });

  it('ranks by query with the router and keeps top_k', async () => {
    expect((await names({ query: 'merge two pdf files into one', top_k: 1 })) ?? []).toEqual(['pdf-merge']);
    const three = await names({ query: 'convert my csv spreadsheet to json', top_k: 3 });
    expect(three[0]).toBe('csv-to-json');
    expect(three.length).toBeLessThanOrEqual(3);
  });

  it('filters by tags, with or without a query', async () => {
    expect(await names({ tags: ['pdf'] })).toEqual(['pdf-merge', 'pdf-split']);
    expect(await names({ tags: ['csv'], top_k: 1 })).toEqual(['csv-to-json']);
    const ranked = await names({ query: 'merge pdf documents', tags: ['csv'] });
    expect(ranked.every((name) => name === 'csv-to-json' || name === 'json-to-csv')).toBe(true);
  });

  it('refuses named skills together with a query, and unknown fields', async () => {
    for (const body of [{ skills: ['pdf-merge'], query: 'pdf' }, { max_skills: 2 }]) {
      const res = await t.request('/skills/prompt', { method: 'POST', json: body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});
