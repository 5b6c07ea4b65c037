import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/caller.ts';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { bundleForm, skillMd, zipOf } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';

interface Hit {
  skill: { id: string; name: string; version: string; version_id: string; inputs: unknown; tags: string[] };
  score: number;
  explain: Record<string, number | null>;
}

const skill = (name: string, description: string, extra: Record<string, unknown> = {}) => ({
  'SKILL.md': skillMd({ name, description, version: '1.0.0', ...extra }),
});

describe.each(backends)('skill router API on %s', (backend) => {
  let t: TestApp;
  const search = async (body: Record<string, unknown>, as?: { user?: string; org?: string; role?: Role }) => {
    const res = await t.request('/skills/search', { method: 'POST', json: body, as });
    expect(res.status).toBe(200);
    return (await res.json()) as { results: Hit[]; embedding: { provider: string; used: boolean } };
  };
  const names = (hits: Hit[]) => hits.map((h) => h.skill.name);

  beforeAll(async () => {
    t = await createTestApp(backend);
    const fileIn = (mime: string) => [{ name: 'file', type: 'file', mime }];
    await publishSkill(
      t,
      skill('pdf-merge-split', 'Merge several PDF files into one, or split a PDF into pages.', {
        tags: ['pdf'],
        inputs: fileIn('application/pdf'),
        outputs: fileIn('application/pdf'),
      }),
      'pdf-merge-split',
    );
    await publishSkill(
      t,
      skill('csv-to-chart', 'Turn a CSV table into a bar or line chart image.', {
        tags: ['csv', 'charts'],
        inputs: fileIn('text/csv'),
        outputs: fileIn('image/png'),
      }),
      'csv-to-chart',
    );
    await publishSkill(
      t,
      skill('kubectl-debug', 'Inspect and debug Kubernetes pods and deployments.', { tags: ['kubernetes'] }),
      'kubectl-debug',
    );
    await publishSkill(t, skill('cold-email', 'Write outbound sales emails that get replies.'), 'cold-email');
    await publishSkill(t, skill('pdf-draft-only', 'Merge PDF files, still a draft.'), 'pdf-draft-only', false);
    // Another organisation's skill and another user's private skill, both about PDFs.
    const other = await t.request('/skills', {
      method: 'POST',
      body: bundleForm(zipOf(skill('pdf-other-org', 'Merge PDF files.'), 'pdf-other-org'), { publish: 'true' }),
      as: { org: 'globex' },
    });
    expect(other.status).toBe(201);
    const own = await t.request('/skills', {
      method: 'POST',
      body: bundleForm(zipOf(skill('pdf-private', 'Merge PDF files privately.'), 'pdf-private'), {
        publish: 'true',
        visibility: 'user',
      }),
      as: { user: 'bob' },
    });
    expect(own.status).toBe(201);
    await t.indexed();
  });
  afterAll(() => t?.close());

  it('ranks the obvious skill first, with every signal explained', async () => {
    const body = await search({ query: 'please merge these two pdf files into one' });
    expect(body.embedding).toEqual({ provider: 'local:hash-v1:1536', used: true });
    expect(body.results[0]!.skill).toMatchObject({ name: 'pdf-merge-split', version: '1.0.0', tags: ['pdf'] });
    expect(body.results[0]!.explain).toMatchObject({ fulltext_rank: 1, vector_rank: 1 });
    expect(body.results.length).toBeLessThanOrEqual(5);
    const typo = await search({ query: 'my kuberntes podds keep crashing' });
    expect(typo.results[0]!.skill.name).toBe('kubectl-debug');
  });

  it('filters by tags and by input/output media type before ranking', async () => {
    expect(names((await search({ query: 'merge pdf', tags: ['csv'] })).results)).toEqual(['csv-to-chart']);
    const png = await search({ query: 'merge pdf', output_mime: 'image/png' });
    expect(names(png.results)).toEqual(['csv-to-chart']);
    const images = await search({ query: 'chart', output_mime: 'image/*' });
    expect(names(images.results)).toEqual(['csv-to-chart']);
    const pdfIn = await search({ query: 'chart from a table', input_mime: 'application/pdf', top_k: 50 });
    expect(names(pdfIn.results)).toEqual(['pdf-merge-split']);
  });

  it('shows only what the caller may see; drafts only when asked, and only to who may see them', async () => {
    const query = { query: 'merge pdf files', top_k: 50 };
    const carol = { user: 'carol', role: 'author' as const };
    const author = names((await search(query, carol)).results);
    expect(author).toContain('pdf-merge-split');
    expect(author).not.toContain('pdf-other-org');
    expect(author).not.toContain('pdf-private');
    expect(names((await search({ ...query, include_drafts: true }, carol)).results)).not.toContain('pdf-draft-only');
    const bob = names((await search(query, { user: 'bob', role: 'author' })).results);
    expect(bob).toContain('pdf-private');
    const globex = names((await search(query, { org: 'globex' })).results);
    expect(globex).toEqual(['pdf-other-org']);
    // alice is an admin: she sees bob's user skill, and drafts when she asks for them.
    const admin = names((await search(query)).results);
    expect(admin).toContain('pdf-private');
    expect(admin).not.toContain('pdf-draft-only');
    const drafts = names((await search({ ...query, include_drafts: true })).results);
    expect(drafts).toContain('pdf-draft-only');
  });

  it('returns one result per skill, its latest published version', async () => {
    const v2 = await t.request('/skills/pdf-merge-split/versions', {
      method: 'POST',
      body: bundleForm(zipOf(skill('pdf-merge-split', 'Merge and split PDF files, faster.'), 'pdf-merge-split'), {
        version: '1.1.0',
        publish: 'true',
      }),
    });
    expect(v2.status).toBe(201);
    await t.indexed();
    const hits = (await search({ query: 'merge pdf', top_k: 50 })).results.filter(
      (h) => h.skill.name === 'pdf-merge-split',
    );
    expect(hits.map((h) => h.skill.version)).toEqual(['1.1.0']);
  });

  it('honours top_k, min_score and mode', async () => {
    expect((await search({ query: 'merge pdf', top_k: 1 })).results).toHaveLength(1);
    const all = (await search({ query: 'merge pdf', top_k: 50 })).results;
    const best = all[0]!.score;
    expect((await search({ query: 'merge pdf', min_score: best })).results.every((h) => h.score >= best)).toBe(true);
    const fulltext = await search({ query: 'merge pdf', mode: 'fulltext' });
    expect(fulltext.embedding.used).toBe(false);
    expect(fulltext.results[0]!.explain.vector_rank).toBeNull();
    const vector = await search({ query: 'merge pdf', mode: 'vector' });
    expect(vector.results[0]!.explain).toMatchObject({ fulltext_rank: null, vector_rank: 1 });
  });

  it('answers problem+json for bad input', async () => {
    for (const body of [
      {},
      { query: '' },
      { query: 'x', top_k: 51 },
      { query: 'x', unknown: 1 },
      { query: 'x', tags: 'pdf' },
    ]) {
      const res = await t.request('/skills/search', { method: 'POST', json: body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const select = await t.request('/skills/select', { method: 'POST', json: { query: 'x', max_skills: 11 } });
    expect(select.status).toBe(400);
  });

  it('select returns the chosen skills with level-2 details', async () => {
    const res = await t.request('/skills/select', { method: 'POST', json: { query: 'split a pdf into pages' } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.skills.length).toBeGreaterThan(0);
    expect(body.skills.length).toBeLessThanOrEqual(3);
    expect(body.skills[0].version).toMatchObject({ name: 'pdf-merge-split', status: 'published' });
    expect(body.skills[0].version.instructions).toContain('Do the thing');
    expect(body.skills[0].version.files.map((f: { path: string }) => f.path)).toContain('SKILL.md');
    expect(typeof body.skills[0].score).toBe('number');
  });

  it('GET /skills?q= ranks by relevance with the same engine', async () => {
    const res = await t.request('/skills?q=debug%20my%20kubernetes%20pods');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.data[0].name).toBe('kubectl-debug');
    expect(body.next_cursor).toBeNull();
    // Substring matches still list skills the router cannot rank (no published version).
    await t.request('/skills', { method: 'POST', json: { name: 'empty-kubernetes-notes' } });
    const empty = await (await t.request('/skills?q=empty-kubernetes')).json();
    expect(empty.data.map((s: { name: string }) => s.name)).toContain('empty-kubernetes-notes');
  });
});
