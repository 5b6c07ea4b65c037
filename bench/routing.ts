/**
 * Routing benchmark. For each backend, twice (skills without their SKILL.md bodies, then with them): uploads the
 * development set's 50 skills and the repository's 10 example skills (bundles/) through the API into a fresh app,
 * waits for the embedding index, and prints top-1, top-3, MRR and search latency (p50/p95, through the API
 * in-process) for full-text only, vector only and hybrid on the dev queries, and hybrid on our held-out requests
 * for the example skills (bench/routing-data). With bodies it also prints what `POST /skills/select` does at a few
 * confidence thresholds: abstention on off-topic requests, abstention and top-1 on real ones. `--scale` then adds
 * 10,000 and 100,000 synthetic skills (with bodies; inserted with SQL, embedded locally) and prints search latency.
 *
 * Usage: npm run bench:routing -- [--postgres postgres://...] [--scale 10000,100000] [--pglite-max 10000] [--backends pglite,postgres]
 *   [--dev-only]  (the dev catalog alone, without the example skills: comparable with figures before bodies)
 *   [--no-query-idf]  (the local embedder without query-side IDF: requests embedded like skills, for comparison)
 * PostgreSQL runs too when --postgres or TEST_DATABASE_URL is given (a scratch database is created and dropped).
 */

import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Database } from '../src/db/database.ts';
import { chunkBody } from '../src/router/chunks.ts';
import { toVectorLiteral } from '../src/router/embedder.ts';
import type { createLocalEmbedder } from '../src/router/local-embedder.ts';
import { DEFAULT_MIN_CONFIDENCE, type SearchMode } from '../src/router/search.ts';
import { refreshTermStats } from '../src/router/term-stats.ts';
import { skillSearchText } from '../src/router/text.ts';
import { exampleDirs } from '../src/skills/examples.ts';
import { type BenchApp, openApp, uploadCatalog } from './routing-app.ts';
import { dev, type EvalSkill, f1, f3, heldOut, type Ranked, scoreRanking, scoreSelect } from './routing-eval.ts';
import { percentile } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    postgres: { type: 'string' },
    scale: { type: 'string', default: '' },
    'pglite-max': { type: 'string', default: '10000' },
    backends: { type: 'string', default: 'pglite,postgres' },
    'no-query-idf': { type: 'boolean', default: false },
    'dev-only': { type: 'boolean', default: false },
  },
});

const postgresUrl = args.postgres ?? process.env['TEST_DATABASE_URL'];

async function rankWith(app: BenchApp, mode: SearchMode, query: string): Promise<Ranked> {
  const res = await app.post('/skills/search', { query, top_k: 10, mode });
  const body = (await res.json()) as { results: { skill: { name: string }; confidence: number }[] };
  return body.results.map((r) => ({ name: r.skill.name, confidence: r.confidence }));
}

async function bench(kind: 'pglite' | 'postgres') {
  for (const withBodies of [false, true]) {
    const app = await openApp(kind, { postgresUrl, noQueryIdf: args['no-query-idf'] });
    let started = performance.now();
    await uploadCatalog(app, withBodies, !args['dev-only']);
    const uploadMs = performance.now() - started;
    started = performance.now();
    await app.indexer.idle();
    const skills = dev.catalog.length + (args['dev-only'] ? 0 : exampleDirs().length);
    console.log(
      `\n${kind}, skills ${withBodies ? 'WITH' : 'WITHOUT'} their bodies: ${skills} skills uploaded through the API in ` +
        `${uploadMs.toFixed(0)} ms, indexed ${(performance.now() - started).toFixed(0)} ms later; embedder ` +
        `${app.embedder.key}${app.embedder.embedQuery ? ' with query IDF' : ''}`,
    );
    console.log('set       mode       top-1  top-3  MRR    p50 ms  p95 ms');
    let hybrid: Ranked[] = [];
    for (const mode of ['fulltext', 'vector', 'hybrid'] as SearchMode[]) {
      const r = await scoreRanking(dev.queries, (q) => rankWith(app, mode, q));
      if (mode === 'hybrid') hybrid = r.ranked;
      console.log(
        `dev(${dev.queries.length})  ${mode.padEnd(9)}  ${f3(r.top1)}  ${f3(r.top3)}  ${f3(r.mrr)}  ${f1(r.p50)}  ${f1(r.p95)}`,
      );
    }
    // The held-out requests are for the example skills, so they need them in the catalog.
    const held = args['dev-only'] ? undefined : await scoreRanking(heldOut.queries, (q) => rankWith(app, 'hybrid', q));
    if (held) {
      console.log(
        `held(${heldOut.queries.length})  hybrid     ${f3(held.top1)}  ${f3(held.top3)}  ${f3(held.mrr)}  ${f1(held.p50)}  ${f1(held.p95)}`,
      );
    }
    if (withBodies) {
      const off: Ranked[] = [];
      for (const q of heldOut.offTopic) off.push(await rankWith(app, 'hybrid', q));
      printSelect(hybrid, held?.ranked, off);
      if (args.scale) await scale(kind, app, args.scale.split(',').map(Number));
    }
    await app.close();
  }
}

/** Select at a few thresholds (the default marked): what it keeps of real requests, what it refuses off-topic. */
function printSelect(devRanked: Ranked[], heldRanked: Ranked[] | undefined, off: Ranked[]) {
  console.log(`select (top-1 counts an abstention as a miss; off-topic: ${off.length} requests of ours)`);
  console.log(
    'min_confidence  off-topic abstained  dev abstained  dev select top-1  held abstained  held select top-1',
  );
  for (const threshold of [0.3, 0.4, DEFAULT_MIN_CONFIDENCE, 0.6, 0.7].sort()) {
    const d = scoreSelect(threshold, dev.queries, devRanked, off);
    const h = heldRanked ? scoreSelect(threshold, heldOut.queries, heldRanked, off) : undefined;
    const mark = threshold === DEFAULT_MIN_CONFIDENCE ? ' (default)' : '';
    console.log(
      `${`${threshold}${mark}`.padEnd(14)}  ${f3(d.offTopicAbstention).padStart(19)}  ${f3(d.realAbstention).padStart(13)}  ` +
        `${f3(d.selectTop1).padStart(16)}  ${h ? f3(h.realAbstention).padStart(14) : '-'.padStart(14)}  ` +
        `${h ? f3(h.selectTop1).padStart(17) : '-'.padStart(17)}`,
    );
  }
}

async function scale(kind: 'pglite' | 'postgres', app: BenchApp, sizes: number[]) {
  const cap = kind === 'pglite' ? Number(args['pglite-max']) : Number.POSITIVE_INFINITY;
  for (const size of sizes) {
    if (size > cap) {
      console.log(
        `${kind} @ ${size}: skipped — inserting and indexing ${size} skills in embedded PGlite takes well over a few ` +
          `minutes (raise --pglite-max to run it)`,
      );
      continue;
    }
    const started = performance.now();
    await insertSynthetic(app.db, app.local, size);
    const loadMs = performance.now() - started;
    const line: string[] = [];
    for (const mode of ['fulltext', 'vector', 'hybrid'] as SearchMode[]) {
      const times: number[] = [];
      for (const q of dev.queries) {
        const start = performance.now();
        const res = await app.post('/skills/search', { query: q.query, top_k: 5, mode });
        await res.arrayBuffer();
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      line.push(`${mode} p50 ${percentile(times, 0.5).toFixed(1)} / p95 ${percentile(times, 0.95).toFixed(1)} ms`);
    }
    console.log(`${kind} @ ${size} skills (loaded in ${(loadMs / 1000).toFixed(0)} s): ${line.join('; ')}`);
  }
}

/** mulberry32: a seeded generator so every run builds the same corpus. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Tops the org up to `total` skills with synthetic ones (catalog sentences recombined under made-up names, and a
 * body of dev-set body paragraphs up to one chunk long), one published version each, embedded locally with their
 * chunk, inserted with SQL in batches; then refreshes term statistics.
 */
async function insertSynthetic(db: Database, embedder: ReturnType<typeof createLocalEmbedder>, total: number) {
  const random = seeded(total);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const sentences = dev.catalog.flatMap((s) => s.description.split(/(?<=[.!?])\s+/));
  const paragraphs = Object.values(dev.bodies).flatMap((b) => b.split(/\n\s*\n/).filter((p) => p.length > 80));
  const words = [...new Set(dev.catalog.flatMap((s) => s.name.split('-')))];
  const [row] = await db.query<{ n: number }>(`select count(*)::int as n from skills where org_id = 'bench'`);
  let count = row!.n;
  while (count < total) {
    const batch: (EvalSkill & { id: string; vid: string; body: string; embedding: string; chunk: string })[] = [];
    for (let i = 0; i < 500 && count < total; i++, count++) {
      const skill = {
        name: `${pick(words)}-${pick(words)}-${count}`,
        description: Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(sentences)).join(' '),
        tags: [pick(words), pick(words)],
        body: Array.from({ length: 3 }, () => pick(paragraphs))
          .join('\n\n')
          .slice(0, 1400),
      };
      batch.push({ ...skill, id: randomUUID(), vid: randomUUID(), embedding: '', chunk: '' });
    }
    const vectors = await embedder.embed([
      ...batch.map(skillSearchText),
      ...batch.map((s) => `${s.name}. ${chunkBody(s.body)[0] ?? ''}`),
    ]);
    batch.forEach((s, i) => {
      s.embedding = toVectorLiteral(vectors[i]!);
      s.chunk = toVectorLiteral(vectors[batch.length + i]!);
    });
    const json = JSON.stringify(batch);
    await db.query(
      `insert into skills (id, org_id, owner_id, name, description, tags)
       select u.id, 'bench', 'bench', u.name, u.description, array(select jsonb_array_elements_text(u.tags))
       from jsonb_to_recordset($1::text::jsonb) as u(id uuid, name text, description text, tags jsonb)`,
      [json],
    );
    await db.query(
      `insert into skill_versions (id, skill_id, org_id, name, version, version_major, version_minor, version_patch,
         status, description, instructions, search_body, tags, embedding, embedding_model, sha256, size_bytes,
         file_count, created_by, published_at)
       select u.vid, u.id, 'bench', u.name, '1.0.0', 1, 0, 0, 'published', u.description, u.body,
         skill_body_vector(u.body, '{}'::jsonb, '{}'::text[]), array(select jsonb_array_elements_text(u.tags)),
         u.embedding::vector, $2, 'synthetic', 1, 1, 'bench', now()
       from jsonb_to_recordset($1::text::jsonb) as u(id uuid, vid uuid, name text, description text, tags jsonb,
         body text, embedding text)`,
      [json, embedder.key],
    );
    await db.query(
      `insert into skill_version_chunks (version_id, chunk, org_id, embedding, embedding_model)
       select u.vid, 0, 'bench', u.chunk::vector, $2 from jsonb_to_recordset($1::text::jsonb) as u(vid uuid, chunk text)`,
      [json, embedder.key],
    );
  }
  await refreshTermStats(db);
  await db.exec('analyze');
}

const selected = new Set(args.backends.split(','));
if (selected.has('pglite')) await bench('pglite');
if (postgresUrl && selected.has('postgres')) await bench('postgres');
else console.log('\n(PostgreSQL skipped: pass --postgres URL or set TEST_DATABASE_URL)');
