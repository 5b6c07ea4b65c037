/**
 * Experiment: BM25 over character trigrams (show_trgm, computed at query time) in place of pg_trgm similarity.
 * Measured on the dev set (k1 1.2, b .75 as published): trigram alone .707/.827 (pg_trgm .640/.773), but the
 * hybrid drops to .800/.927 from .827/.933, so the router keeps pg_trgm. Usage: npx tsx bench/routing-lab/trigram-exp.ts
 */
import { createLocalEmbedder } from '../../src/router/local-embedder.ts';
import { buildHybridSearch, type HybridSearchRow } from '../../src/router/search-sql.ts';
import { insertSkills, loadDevSet, openLabDatabase } from './lab-db.ts';

const K1 = Number(process.env.K1 ?? 1.2),
  B = Number(process.env.B ?? 0.75);
const TRI = `trigram as (
  select id, similarity, row_number() over (order by similarity desc, id) as rank from (
    select d.id, sum(ln(1 + (c.n - df.df + 0.5) / (df.df + 0.5)) * ${K1 + 1} / (1 + ${K1} * (1 - ${B} + ${B} * d.dl / c.avgdl)))::float8 as similarity
    from (select sv.id, g, count(*) over (partition by sv.id)::float8 as dl
          from skill_versions sv, unnest(show_trgm(skill_search_text(sv.name, sv.tags, sv.description))) g
          where $$OFF$$) d
    join (select g, count(*)::float8 as df from skill_versions sv, unnest(show_trgm(skill_search_text(sv.name, sv.tags, sv.description))) g group by g) df on df.g = d.g
    cross join (select count(*)::float8 as n, (select avg(array_length(show_trgm(skill_search_text(name,tags,description)),1)) from skill_versions) as avgdl from skill_versions) c
    where d.g in (select unnest(show_trgm($1::text)))
    group by d.id order by similarity desc limit $5) t
),
fused as (`;
const { skills, queries } = loadDevSet();
const embedder = createLocalEmbedder();
const db = await openLabDatabase();
await insertSkills(db, skills, embedder);
const qv = await embedder.embed(queries.map((q) => q.query));
for (const [label, channels, swap] of [
  ['trigram pg_trgm', ['trigram'], false],
  ['trigram bm25', ['trigram'], true],
  ['hybrid pg_trgm', ['fulltext', 'vector', 'trigram'], false],
  ['hybrid trgBM25', ['fulltext', 'vector', 'trigram'], true],
  ['fulltext+trgBM25', ['fulltext', 'trigram'], true],
] as const) {
  let t1 = 0,
    t3 = 0;
  for (const [i, q] of queries.entries()) {
    let { sql, params } = buildHybridSearch({
      query: q.query,
      queryEmbedding: qv[i]!,
      embeddingKey: embedder.key,
      topK: 10,
      channels: [...channels],
    });
    if (swap) {
      const a = sql.indexOf('trigram as ('),
        b = sql.indexOf('fused as (');
      sql =
        sql.slice(0, a) +
        TRI.replace('$$OFF$$', channels.includes('trigram') ? 'true' : 'false') +
        sql.slice(b + 'fused as ('.length);
    }
    const rows = await db.query<HybridSearchRow>(sql, params);
    const ok = new Set([q.expected, ...q.also_ok]);
    const r = rows.findIndex((x) => ok.has(x.name));
    if (r === 0) t1++;
    if (r >= 0 && r < 3) t3++;
  }
  console.log(label.padEnd(18), (t1 / 150).toFixed(3), (t3 / 150).toFixed(3));
}
await db.close();
