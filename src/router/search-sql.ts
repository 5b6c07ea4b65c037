import { toVectorLiteral } from './embedder.ts';

/** A WHERE condition over `skill_versions sv`, with its own `$1..$n` placeholders (renumbered when combined). */
export interface SqlFragment {
  sql: string;
  params: readonly unknown[];
}

export type SearchChannel = 'fulltext' | 'vector' | 'trigram';

export interface HybridSearchInput {
  query: string;
  /** The query embedded by the same embedder as the skills; null skips the vector channel. */
  queryEmbedding: readonly number[] | null;
  /** `Embedder.key`: only skill vectors embedded with this key are compared. */
  embeddingKey: string;
  topK: number;
  /** Extra conditions on `sv` (organisation, visibility, tags...), ANDed with the status condition. */
  filters?: readonly SqlFragment[];
  /** Version statuses that may match; default published only. */
  statuses?: readonly ('published' | 'draft')[];
  /**
   * The organisation whose `search_term_stats` give BM25 its document frequencies and let common words be left out
   * of the index probe. Unset: frequencies are counted over the matched rows at query time (exact, but every row
   * sharing any word with the request is read).
   */
  statsOrg?: string;
  /** Signals to rank by; default all three. Single channels are for evaluation and debugging. */
  channels?: readonly SearchChannel[];
  fusion?: Fusion;
}

/**
 * `zscore` (default): each channel's scores standardised over its own candidate list and summed with equal
 * weights; a skill missing from a list gets that list's lowest z. No knobs, and +1.5-3 points top-1 over RRF on the
 * dev set because it keeps score gaps that ranks throw away. `rrf`: Reciprocal Rank Fusion, k = 60.
 */
export type Fusion = 'rrf' | 'zscore';

export interface HybridSearchRow {
  id: string;
  skill_id: string;
  name: string;
  version: string;
  description: string;
  tags: string[];
  inputs: unknown;
  outputs: unknown;
  score: number;
  fulltext_rank: number | null;
  fulltext_score: number | null;
  vector_rank: number | null;
  vector_similarity: number | null;
  trigram_rank: number | null;
  trigram_similarity: number | null;
}

/** How many candidates each channel contributes to fusion: enough that a skill ranked low by one signal but high by
 * another still meets it, few enough to stay cheap. */
export const CHANNEL_DEPTH = 50;
/** The RRF constant from Cormack et al. (2009), used as published rather than tuned on our set. */
export const RRF_K = 60;
const HNSW_DIMENSIONS = 1536;
/** Okapi BM25 defaults (Robertson & Zaragoza); field weights give name and tags three times a description word. */
const BM25 = { k1: 1.2, b: 0.75, nameWeight: 3, tagWeight: 3, descriptionWeight: 1 } as const;
/**
 * Lucene's CommonTermsQuery idea: words in more than this share of an organisation's versions are not used to find
 * candidates, only to score the candidates the rarer words find (a request of only common words uses them all).
 * The ranking of what is found is unchanged; rows that share nothing but common words with the request are skipped.
 * Never applied below `COMMON_TERM_MIN_DF` documents, so small catalogs are searched exhaustively.
 */
export const COMMON_TERM_SHARE = 0.1;
export const COMMON_TERM_MIN_DF = 100;

/**
 * Builds one SQL statement that ranks published skill versions by BM25 over the `search` tsvector, by cosine
 * similarity of embeddings, and by trigram similarity of the skill name to the request, then fuses the three lists
 * (z-score fusion by default, see `Fusion`). Every channel repeats the base WHERE so each can use its own index.
 *
 * @example
 * const { sql, params } = buildHybridSearch({ query, queryEmbedding, embeddingKey: embedder.key, topK: 5,
 *   filters: [{ sql: 'sv.org_id = $1', params: [orgId] }] });
 * const rows = await db.query<HybridSearchRow>(sql, params);
 */
export function buildHybridSearch(input: HybridSearchInput): { sql: string; params: unknown[] } {
  const channels = new Set(input.channels ?? ['fulltext', 'vector', 'trigram']);
  if (!Number.isInteger(input.topK) || input.topK < 1) throw new RangeError(`topK must be a positive integer`);
  const embedding = input.queryEmbedding && channels.has('vector') ? toVectorLiteral(input.queryEmbedding) : null;
  const params: unknown[] = [
    input.query,
    embedding,
    input.embeddingKey,
    input.topK,
    CHANNEL_DEPTH,
    input.statsOrg ?? null,
  ];
  const statuses = input.statuses ?? ['published'];
  if (statuses.length === 0 || statuses.some((s) => s !== 'published' && s !== 'draft')) {
    throw new RangeError('statuses must be published and/or draft');
  }
  const conditions = [`sv.status in (${statuses.map((s) => `'${s}'`).join(', ')})`];
  for (const filter of input.filters ?? []) {
    const offset = params.length;
    conditions.push(`(${filter.sql.replace(/\$(\d+)/g, (_, n: string) => `$${offset + Number(n)}`)})`);
    params.push(...filter.params);
  }
  const base = conditions.join(' and ');
  const off = (channel: SearchChannel) => (channels.has(channel) ? 'true' : 'false');
  // The HNSW index of migration 003 covers 1536 dimensions only; the planner uses it when the query repeats the
  // index's cast and predicate word for word. Other sizes are scanned exactly, which is fine for small catalogs.
  const indexed = input.queryEmbedding?.length === HNSW_DIMENSIONS;
  const distance = indexed
    ? `sv.embedding::vector(${HNSW_DIMENSIONS}) <=> $2::vector(${HNSW_DIMENSIONS})`
    : 'sv.embedding <=> $2::vector';
  const hnswPredicate = indexed ? ` and vector_dims(sv.embedding) = ${HNSW_DIMENSIONS}` : '';
  const { k1, b, nameWeight, tagWeight, descriptionWeight } = BM25;
  // With another channel on, trigrams re-score the other channels' candidates instead of searching the table: a
  // GiST nearest-neighbour scan with a sentence-long request costs seconds at 10,000 skills, and the local
  // embedding already carries character trigrams, so typo-only matches still reach the pool through the vector
  // channel. Alone (evaluation), the trigram channel searches the table.
  const trigramScope =
    channels.has('fulltext') || channels.has('vector')
      ? 'sv.id in (select id from fulltext union select id from vector)'
      : base;

  const sql = `
with query_terms as (
  select t.lexeme from unnest(to_tsvector('english', $1::text)) as t
),
stats as (
  -- $6 null: no statistics, count document frequencies over the matched rows instead.
  select (select df from search_term_stats where org_id = $6 and lexeme = '')::float8 as n
),
term_df as (
  select q.lexeme, s.df::float8 as df
  from query_terms q left join search_term_stats s on s.org_id = $6 and s.lexeme = q.lexeme
),
probe_terms as (
  select lexeme from term_df, stats
  where stats.n is null or coalesce(df, 0) <= greatest(${COMMON_TERM_SHARE} * stats.n, ${COMMON_TERM_MIN_DF})
),
query_tsquery as (
  -- OR of the request's stemmed words: requests are sentences, so AND would match nothing. Backslashes are dropped
  -- because quote_literal would turn them into E'' strings, which tsquery input does not read.
  select (select string_agg(quote_literal(replace(lexeme, '\\', '')), ' | ')
    from (select lexeme from probe_terms
          union all select lexeme from query_terms where not exists (select 1 from probe_terms)) t)::tsquery as q
),
matched as materialized (
  select sv.id, sv.search, length(sv.search)::float8 as dl
  from skill_versions sv, query_tsquery
  where ${off('fulltext')} and query_tsquery.q is not null and sv.search @@ query_tsquery.q and ${base}
),
corpus as (
  select coalesce((select n from stats),
    (select count(*) from skill_versions sv where ${off('fulltext')} and ${base}))::float8 as n,
    (select avg(dl) from matched) as avgdl
),
postings as (
  -- One row per (skill, matched query term); tf counts each occurrence by the field it is in. The document
  -- frequency is the organisation's (term statistics) when known, else the count among matched rows.
  select m.id, m.dl, p.lexeme,
    (select sum(case w when 'A' then ${nameWeight} when 'B' then ${tagWeight} else ${descriptionWeight} end)
       from unnest(p.weights) as w)::float8 as tf,
    greatest(count(*) over (partition by p.lexeme)::float8, coalesce(max(d.df) over (partition by p.lexeme), 0)) as df
  from matched m cross join lateral unnest(m.search) as p
  join term_df d on d.lexeme = p.lexeme
),
fulltext as (
  select id, score, row_number() over (order by score desc, id) as rank
  from (
    select p.id, sum(ln(1 + greatest(c.n - p.df + 0.5, 0.5) / (p.df + 0.5))
      * p.tf * ${k1 + 1} / (p.tf + ${k1} * (1 - ${b} + ${b} * p.dl / c.avgdl))) as score
    from postings p, corpus c group by p.id
  ) s
  order by score desc, id limit $5
),
vector as (
  select id, 1 - distance as similarity, row_number() over (order by distance, id) as rank
  from (
    select sv.id, ${distance} as distance
    from skill_versions sv
    where ${off('vector')} and $2::vector is not null and sv.embedding_model = $3 and ${base}${hnswPredicate}
    order by distance limit $5
  ) v
),
trigram as (
  select id, similarity, row_number() over (order by similarity desc, id) as rank
  from (
    -- Trigram overlap (Jaccard) of request and skill text: insensitive to typos, which defeat the stemmer.
    select sv.id, similarity(skill_search_text(sv.name, sv.tags, sv.description), $1::text)::float8 as similarity
    from skill_versions sv
    where ${off('trigram')} and ${trigramScope}
    order by skill_search_text(sv.name, sv.tags, sv.description) <-> $1::text limit $5
  ) t
  where similarity > 0
),
fused as (
  select coalesce(f.id, v.id, t.id) as id,
    (f.score - avg(f.score) over ()) / nullif(stddev_pop(f.score) over (), 0) as fz,
    (v.similarity - avg(v.similarity) over ()) / nullif(stddev_pop(v.similarity) over (), 0) as vz,
    (t.similarity - avg(t.similarity) over ()) / nullif(stddev_pop(t.similarity) over (), 0) as tz,
    f.rank as fulltext_rank, f.score as fulltext_score,
    v.rank as vector_rank, v.similarity as vector_similarity,
    t.rank as trigram_rank, t.similarity as trigram_similarity
  from fulltext f
  full join vector v on v.id = f.id
  full join trigram t on t.id = coalesce(f.id, v.id)
)
select sv.id, sv.skill_id, sv.name, sv.version, sv.description, sv.tags, sv.inputs, sv.outputs,
  (${fusionScore(input.fusion ?? 'zscore')})::float8 as score,
  fused.fulltext_rank::int, fused.fulltext_score::float8,
  fused.vector_rank::int, fused.vector_similarity::float8,
  fused.trigram_rank::int, fused.trigram_similarity::float8
from (select *, min(fz) over () as fz_min, min(vz) over () as vz_min, min(tz) over () as tz_min from fused) fused
join skill_versions sv on sv.id = fused.id
order by score desc, sv.id
limit $4`;
  return { sql, params };
}

function fusionScore(fusion: Fusion): string {
  if (fusion === 'rrf') {
    return `coalesce(1.0 / (${RRF_K} + fused.fulltext_rank), 0) + coalesce(1.0 / (${RRF_K} + fused.vector_rank), 0)
    + coalesce(1.0 / (${RRF_K} + fused.trigram_rank), 0)`;
  }
  return 'coalesce(fused.fz, fused.fz_min, 0) + coalesce(fused.vz, fused.vz_min, 0) + coalesce(fused.tz, fused.tz_min, 0)';
}
