/**
 * Routing benchmark. Uploads the development set's 50 skills through the API into a fresh app, waits for the
 * embedding index, and prints top-1, top-3, MRR and search latency (p50/p95, through the API in-process) for
 * full-text only, vector only and hybrid. `--scale` adds 10,000 and 100,000 synthetic skills (inserted with SQL,
 * embedded locally) and prints search latency at each size.
 *
 * Usage: npm run bench:routing -- [--postgres postgres://...] [--scale] [--pglite-max 10000] [--backends pglite,postgres]
 *   [--no-query-idf]  (the local embedder without query-side IDF: requests embedded like skills, for comparison)
 * PostgreSQL runs too when --postgres or TEST_DATABASE_URL is given (a scratch database is created and dropped).
 */

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { zipSync } from 'fflate';
import { createApp } from '../src/api/app.ts';
import { createTokenService } from '../src/auth/tokens.ts';
import { systemClock } from '../src/clock.ts';
import type { Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPgliteDatabase } from '../src/db/pglite.ts';
import { createScratchDatabase } from '../src/db/scratch.ts';
import { type Embedder, toVectorLiteral } from '../src/router/embedder.ts';
import { createIndexer } from '../src/router/indexer.ts';
import { createLocalEmbedder } from '../src/router/local-embedder.ts';
import type { SearchMode } from '../src/router/search.ts';
import { refreshTermStats } from '../src/router/term-stats.ts';
import { skillSearchText } from '../src/router/text.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { percentile } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    postgres: { type: 'string' },
    scale: { type: 'boolean', default: false },
    'pglite-max': { type: 'string', default: '10000' },
    backends: { type: 'string', default: 'pglite,postgres' },
    'no-query-idf': { type: 'boolean', default: false },
  },
});

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EVAL_DIR = resolve(ROOT, '../shared/eval/routing');
interface EvalSkill {
  name: string;
  description: string;
  tags: string[];
}
interface EvalQuery {
  query: string;
  expected: string;
  also_ok: string[];
}
const catalog: EvalSkill[] = JSON.parse(readFileSync(resolve(EVAL_DIR, 'catalog.json'), 'utf8'));
const queries: EvalQuery[] = JSON.parse(readFileSync(resolve(EVAL_DIR, 'queries.json'), 'utf8'));
const postgresUrl = args.postgres ?? process.env['TEST_DATABASE_URL'];
const SECRET = 'bench-secret-that-is-at-least-32-characters-long';

async function openDatabase(kind: 'pglite' | 'postgres') {
  if (kind === 'pglite') {
    const db = await createPgliteDatabase();
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  return createScratchDatabase(postgresUrl!, 'routing_bench', 4);
}

const quote = (value: unknown) => JSON.stringify(value);

async function bench(kind: 'pglite' | 'postgres') {
  const { db, drop } = await openDatabase(kind);
  const logger = createLogger({ level: 'silent' });
  const local = createLocalEmbedder();
  const embedder: Embedder = args['no-query-idf']
    ? { key: local.key, dimensions: local.dimensions, embed: local.embed }
    : local;
  const indexer = createIndexer({ db, embedder, logger });
  const tokens = createTokenService(SECRET, systemClock);
  const app = createApp({ db, clock: systemClock, logger, tokens, embedder, indexer });
  const auth = `Bearer ${await tokens.issue({ userId: 'bench', orgId: 'bench', role: 'admin' })}`;
  const post = (path: string, body: unknown) =>
    app.request(path, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  let started = performance.now();
  for (const skill of catalog) {
    const md = `---\nname: ${quote(skill.name)}\ndescription: ${quote(skill.description)}\ntags: ${quote(skill.tags)}\nversion: "1.0.0"\n---\n# ${skill.name}\n`;
    const form = new FormData();
    form.set('bundle', new File([zipSync({ [`${skill.name}/SKILL.md`]: new TextEncoder().encode(md) })], 'b.zip'));
    form.set('publish', 'true');
    const res = await app.request('/skills', { method: 'POST', headers: { authorization: auth }, body: form });
    if (res.status !== 201) throw new Error(`upload ${skill.name}: ${res.status} ${await res.text()}`);
  }
  const uploadMs = performance.now() - started;
  started = performance.now();
  await indexer.idle();
  console.log(
    `\n${kind}: ${catalog.length} skills uploaded through the API in ${uploadMs.toFixed(0)} ms, ` +
      `indexed ${(performance.now() - started).toFixed(0)} ms later; embedder ${embedder.key}${embedder.embedQuery ? ' with query IDF' : ''}; ${queries.length} queries`,
  );
  console.log('mode       top-1  top-3  MRR    p50 ms  p95 ms');
  for (const mode of ['fulltext', 'vector', 'hybrid'] as SearchMode[]) {
    let top1 = 0;
    let top3 = 0;
    let mrr = 0;
    const times: number[] = [];
    for (const q of queries) {
      const start = performance.now();
      const res = await post('/skills/search', { query: q.query, top_k: 10, mode });
      const body = (await res.json()) as { results: { skill: { name: string } }[] };
      times.push(performance.now() - start);
      const ok = new Set([q.expected, ...q.also_ok]);
      const rank = body.results.findIndex((r) => ok.has(r.skill.name));
      if (rank === 0) top1++;
      if (rank >= 0 && rank < 3) top3++;
      if (rank >= 0) mrr += 1 / (rank + 1);
    }
    times.sort((a, b) => a - b);
    const n = queries.length;
    console.log(
      `${mode.padEnd(9)}  ${(top1 / n).toFixed(3)}  ${(top3 / n).toFixed(3)}  ${(mrr / n).toFixed(3)}  ` +
        `${percentile(times, 0.5).toFixed(1).padStart(6)}  ${percentile(times, 0.95).toFixed(1).padStart(6)}`,
    );
  }

  if (args.scale) {
    const cap = kind === 'pglite' ? Number(args['pglite-max']) : Number.POSITIVE_INFINITY;
    for (const size of [10_000, 100_000]) {
      if (size > cap) {
        console.log(
          `${kind} @ ${size}: skipped — inserting and indexing ${size} skills in embedded PGlite takes well over a few ` +
            `minutes (raise --pglite-max to run it)`,
        );
        continue;
      }
      started = performance.now();
      await insertSynthetic(db, local, size);
      const loadMs = performance.now() - started;
      const line: string[] = [];
      for (const mode of ['fulltext', 'vector', 'hybrid'] as SearchMode[]) {
        const times: number[] = [];
        for (const q of queries) {
          const start = performance.now();
          const res = await post('/skills/search', { query: q.query, top_k: 5, mode });
          await res.arrayBuffer();
          times.push(performance.now() - start);
        }
        times.sort((a, b) => a - b);
        line.push(`${mode} p50 ${percentile(times, 0.5).toFixed(1)} / p95 ${percentile(times, 0.95).toFixed(1)} ms`);
      }
      console.log(`${kind} @ ${size} skills (loaded in ${(loadMs / 1000).toFixed(0)} s): ${line.join('; ')}`);
    }
  }
  await indexer.close();
  await drop();
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
 * Tops the org up to `total` skills with synthetic ones (catalog sentences recombined under made-up names), one
 * published version each, embedded locally, inserted with SQL in batches; then refreshes term statistics.
 */
async function insertSynthetic(db: Database, embedder: ReturnType<typeof createLocalEmbedder>, total: number) {
  const random = seeded(total);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const sentences = catalog.flatMap((s) => s.description.split(/(?<=[.!?])\s+/));
  const words = [...new Set(catalog.flatMap((s) => s.name.split('-')))];
  const [row] = await db.query<{ n: number }>(`select count(*)::int as n from skills where org_id = 'bench'`);
  let count = row!.n;
  while (count < total) {
    const batch: (EvalSkill & { id: string; vid: string; embedding: string })[] = [];
    for (let i = 0; i < 1000 && count < total; i++, count++) {
      const skill = {
        name: `${pick(words)}-${pick(words)}-${count}`,
        description: Array.from({ length: 2 + Math.floor(random() * 3) }, () => pick(sentences)).join(' '),
        tags: [pick(words), pick(words)],
      };
      batch.push({ ...skill, id: randomUUID(), vid: randomUUID(), embedding: '' });
    }
    const vectors = await embedder.embed(batch.map(skillSearchText));
    batch.forEach((s, i) => {
      s.embedding = toVectorLiteral(vectors[i]!);
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
         status, description, tags, embedding, embedding_model, sha256, size_bytes, file_count, created_by, published_at)
       select u.vid, u.id, 'bench', u.name, '1.0.0', 1, 0, 0, 'published', u.description,
         array(select jsonb_array_elements_text(u.tags)), u.embedding::vector, $2, 'synthetic', 1, 1, 'bench', now()
       from jsonb_to_recordset($1::text::jsonb) as u(id uuid, vid uuid, name text, description text, tags jsonb,
         embedding text)`,
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
