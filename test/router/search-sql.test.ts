import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { toVectorLiteral } from '../../src/router/embedder.ts';
import { createLocalEmbedder } from '../../src/router/local-embedder.ts';
import { buildHybridSearch, type HybridSearchRow } from '../../src/router/search-sql.ts';
import { featureDf, refreshTermStats } from '../../src/router/term-stats.ts';
import { skillSearchText } from '../../src/router/text.ts';
import { backends, createTestDatabase, type TestDatabase } from '../helpers/db.ts';

const SKILLS = [
  {
    name: 'pdf-merge-split',
    description: 'Merge several PDF files into one, or split a PDF into pages.',
    tags: ['pdf'],
  },
  { name: 'cold-email', description: 'Write outbound sales emails that get replies.', tags: ['sales', 'email'] },
  { name: 'kubectl-skill', description: 'Inspect and debug Kubernetes pods and deployments.', tags: ['kubernetes'] },
  { name: 'xlsx', description: 'Create and edit Excel spreadsheets with formulas.', tags: ['spreadsheet', 'excel'] },
];

describe.each(backends)('hybrid search on %s', (backend) => {
  const embedder = createLocalEmbedder();
  let test: TestDatabase;
  let db: Database;

  async function insertVersion(skill: (typeof SKILLS)[number], orgId: string, status = 'published') {
    const skillId = randomUUID();
    const [vector] = await embedder.embed([skillSearchText(skill)]);
    await db.query(
      `insert into skills (id, org_id, owner_id, name, description, tags) values ($1, $2, 'u', $3, $4, $5)`,
      [skillId, orgId, skill.name, skill.description, skill.tags],
    );
    await db.query(
      `insert into skill_versions (id, skill_id, org_id, name, version, version_major, version_minor, version_patch,
         status, description, tags, embedding, embedding_model, sha256, size_bytes, file_count, created_by)
       values ($1, $2, $3, $4, '1.0.0', 1, 0, 0, $5, $6, $7, $8::vector, $9, 'x', 1, 1, 'u')`,
      [
        randomUUID(),
        skillId,
        orgId,
        skill.name,
        status,
        skill.description,
        skill.tags,
        toVectorLiteral(vector!),
        embedder.key,
      ],
    );
  }

  async function search(query: string, extra: Partial<Parameters<typeof buildHybridSearch>[0]> = {}) {
    const [queryEmbedding] = await embedder.embed([query]);
    const { sql, params } = buildHybridSearch({
      query,
      queryEmbedding: queryEmbedding!,
      embeddingKey: embedder.key,
      topK: 3,
      filters: [{ sql: 'sv.org_id = $1', params: ['org-a'] }],
      ...extra,
    });
    return db.query<HybridSearchRow>(sql, params);
  }

  beforeAll(async () => {
    test = await createTestDatabase(backend);
    db = test.db;
    for (const skill of SKILLS) await insertVersion(skill, 'org-a');
    await insertVersion({ name: 'pdf-other-org', description: 'Merge PDF files.', tags: ['pdf'] }, 'org-b');
    await insertVersion({ name: 'pdf-draft', description: 'Merge PDF files.', tags: ['pdf'] }, 'org-a', 'draft');
  });
  afterAll(() => test?.drop());

  it('ranks the obvious skill first and explains each signal', async () => {
    const rows = await search('please merge these two pdf files');
    expect(rows[0]).toMatchObject({ name: 'pdf-merge-split', fulltext_rank: 1, vector_rank: 1 });
    expect(rows[0]!.score).toBeGreaterThan(rows[1]!.score);
    expect(rows.length).toBeLessThanOrEqual(3);
  });

  it('finds the skill through typos the stemmer cannot fix', async () => {
    const rows = await search('my kuberntes podds keep crashing, debgu them');
    expect(rows[0]!.name).toBe('kubectl-skill');
  });

  it('applies injected filters and hides drafts and other organisations', async () => {
    const rows = await search('merge pdf files', { topK: 10 });
    const names = rows.map((r) => r.name);
    expect(names).toContain('pdf-merge-split');
    expect(names).not.toContain('pdf-other-org');
    expect(names).not.toContain('pdf-draft');
  });

  it('ignores vectors from another embedder and works without a query embedding', async () => {
    const other = await search('merge pdf files', { embeddingKey: 'openai:text-embedding-3-large:1536' });
    expect(other[0]).toMatchObject({ name: 'pdf-merge-split', vector_rank: null });
    const none = await search('merge pdf files', { queryEmbedding: null });
    expect(none[0]).toMatchObject({ name: 'pdf-merge-split', vector_rank: null });
  });

  it('survives requests with no words and with quotes or backslashes', async () => {
    expect(await search('?!')).toBeInstanceOf(Array);
    const rows = await search(`it's a \\ "pdf" merge`);
    expect(rows[0]!.name).toBe('pdf-merge-split');
  });

  it('counts per-organisation document frequencies of words and trigrams for query-side IDF', async () => {
    await refreshTermStats(db);
    const df = await featureDf(db, 'org-a', embedder.queryFeatures!('merging PDFs for kubernetes zzqx'));
    // org-a: four published skills and one draft; "pdf" is in two of them, "merge" in two, "kubernetes" in one.
    expect(df.n).toBe(5);
    // PostgreSQL's stemmer keeps "pdfs" (so 0), hence the Porter stem "pdf" is looked up too.
    expect(Object.fromEntries(df.words)).toMatchObject({
      merging: 2,
      merg: 2,
      pdfs: 0,
      pdf: 2,
      kubernetes: 1,
      zzqx: 0,
    });
    expect(df.trigrams.get(' pd')).toBe(2);
    expect(df.trigrams.get('zzq')).toBe(0);
    expect((await featureDf(db, 'org-none', { words: ['pdf'], trigrams: [] })).n).toBe(0);
  });
});
