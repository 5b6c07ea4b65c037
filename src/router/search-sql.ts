import { evidenceSql } from './confidence.ts';
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
  /** Stemmed request words found in name, tags or description; in the body field (see `BODY`). */
  fields_terms: string[] | null;
  body_terms: string[] | null;
  /** Which body chunk gave the vector score (null: the description vector did). */
  vector_chunk: number | null;
  /** The evidence behind `confidence` (see `evidenceSql`), before it is capped by better-ranked results. */
  evidence: number;
  /** The request's content words with their IDF and the credit this skill gets for each (0-1). */
  words: { word: string; idf: number; credit: number }[] | null;
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
 * The body field (migration 008) in BM25F: its term counts are added to the name/tags/description counts after
 * each field's own length normalisation, so a long body cannot dilute a short description, and then saturated
 * once. Weights: `when_to_use` counts like the description; headings and file names half; each body occurrence
 * 0.1, and at most `bodyTfCap` of them, so a word repeated all over a huge body adds at most one description
 * mention. Chosen from the published BM25F practice of low body weights, checked on the dev set where any body
 * weight between 0.05 and 0.2 does about the same and above ~0.3 long bodies start to dominate.
 */
export const BODY = { whenToUse: 1, headings: 0.5, fileNames: 0.5, text: 0.1, bodyTfCap: 10 } as const;
/** No cap on a field's term count (tsvector keeps at most 256 positions per word anyway). */
const UNCAPPED = 256;
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
  // A request of stopwords embeds as the zero vector, whose cosine distance is NaN: no vector signal then.
  const usable = input.queryEmbedding?.some((x) => x !== 0) ?? false;
  const embedding = usable && channels.has('vector') ? toVectorLiteral(input.queryEmbedding!) : null;
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
  const chunkDistance = distance.replaceAll('sv.embedding', 'c.embedding');
  const chunkPredicate = hnswPredicate.replaceAll('sv.embedding', 'c.embedding');
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
  -- One primary-key probe per request word (a join let the planner read every statistic of the organisation).
  select q.lexeme, (select s.df from search_term_stats s where s.org_id = $6 and s.lexeme = q.lexeme)::float8 as df
  from query_terms q
),
query_words as (
  -- The request's content words as written, one per stemmed lexeme (stopwords have none), for confidence.
  select lexeme, min(word) as word from (
    select w.word, (select min(t.lexeme) from unnest(to_tsvector('english', w.word)) as t) as lexeme
    from regexp_split_to_table(lower($1::text), '[^[:alnum:]]+') as w(word) where w.word <> ''
  ) x where lexeme is not null group by lexeme
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
  select sv.id, sv.search, sv.search_body, length(sv.search)::float8 as dl, length(sv.search_body)::float8 as body_dl
  from skill_versions sv, query_tsquery
  where ${off('fulltext')} and query_tsquery.q is not null
    and (sv.search @@ query_tsquery.q or sv.search_body @@ query_tsquery.q) and ${base}
),
corpus as (
  select coalesce((select n from stats),
    (select count(*) from skill_versions sv where ${base}))::float8 as n,
    (select avg(dl) from matched) as avgdl, (select avg(body_dl) from matched) as body_avgdl
),
query_idf as (
  -- Smooth IDF ln(1 + N/df); a word the organisation's skills never use counts as df 0.5 (rarer than any).
  select q.word, quote_literal(replace(q.lexeme, '\\', ''))::tsquery as tsq,
    ln(1 + c.n / greatest(coalesce(d.df, 0), 0.5)) as idf, ln(1 + c.n / 0.5) as unseen_idf
  from query_words q left join term_df d on d.lexeme = q.lexeme cross join corpus c
),
query_lexemes as (select array_agg(lexeme) as lexemes from query_terms),
field_postings as (
  -- BM25F: each field's weighted term count over its own length normalisation (see BODY). A field is one weight
  -- class of a tsvector; of it, only the request's words are picked out before unnesting (setweight marks them with
  -- another class, ts_filter keeps them), so a long body costs a few copies in C, not a row per word.
  select m.id, p.lexeme, f.body,
    f.weight * least(cardinality(p.positions), f.cap)::float8
      / (1 - ${b} + ${b} * case when f.body then m.body_dl / c.body_avgdl else m.dl / c.avgdl end) as tf
  from matched m cross join corpus c cross join query_lexemes q
  cross join (values
    (false, '{a}'::"char"[], 'd'::"char", ${nameWeight}::float8, ${UNCAPPED}),
    (false, '{b}', 'd', ${tagWeight}, ${UNCAPPED}),
    (false, '{c}', 'd', ${descriptionWeight}, ${UNCAPPED}),
    (true, '{a}', 'd', ${BODY.whenToUse}, ${UNCAPPED}),
    (true, '{b}', 'd', ${BODY.headings}, ${UNCAPPED}),
    (true, '{c}', 'd', ${BODY.fileNames}, ${UNCAPPED}),
    (true, '{d}', 'a', ${BODY.text}, ${BODY.bodyTfCap})) as f(body, class, mark, weight, cap)
  cross join lateral unnest(ts_filter(setweight(ts_filter(case when f.body then m.search_body else m.search end,
    f.class), f.mark, q.lexemes), array[f.mark])) as p
),
postings as (
  -- One row per (skill, matched query term). The document frequency is the organisation's (term statistics) when
  -- known, else the count among matched rows.
  select f.id, f.lexeme, sum(f.tf) as tf,
    greatest(count(*) over (partition by f.lexeme)::float8, coalesce(max(max(d.df)) over (partition by f.lexeme), 0)) as df,
    array_agg(f.body) as fields
  from field_postings f join term_df d on d.lexeme = f.lexeme
  group by f.id, f.lexeme
),
fulltext as (
  select id, score, row_number() over (order by score desc, id) as rank, fields_terms, body_terms
  from (
    select p.id, sum(ln(1 + greatest(c.n - p.df + 0.5, 0.5) / (p.df + 0.5)) * p.tf * ${k1 + 1} / (p.tf + ${k1})) as score,
      array_agg(p.lexeme order by p.lexeme) filter (where false = any(p.fields)) as fields_terms,
      array_agg(p.lexeme order by p.lexeme) filter (where true = any(p.fields)) as body_terms
    from postings p, corpus c group by p.id
  ) s
  order by score desc, id limit $5
),
vector as (
  -- A skill's vector score is the best of its description vector and its body chunks' vectors (max pooling).
  select id, similarity, chunk, row_number() over (order by similarity desc, id) as rank
  from (
    select distinct on (id) id, 1 - distance as similarity, chunk
    from (
      (select h.id, h.distance, null::int as chunk
       from (
         -- Nearest first over the table with no other condition than the index's, so the HNSW index serves the
         -- order (with the visibility conditions inside, the planner scanned every row); they are checked after.
         select sv.id, ${distance} as distance
         from skill_versions sv
         where ${off('vector')} and $2::vector is not null and sv.embedding_model = $3
           and ($6::text is null or sv.org_id = $6)${hnswPredicate}
         order by distance limit $5
       ) h
       join skill_versions sv on sv.id = h.id
       where ${base})
      union all
      (select c.version_id as id, c.distance, c.chunk
       from (
         -- The chunks table alone, nearest first, so its HNSW index serves the order; the version conditions are
         -- checked on what it returns.
         select c.version_id, c.chunk, ${chunkDistance} as distance
         from skill_version_chunks c
         where ${off('vector')} and $2::vector is not null and c.embedding_model = $3
           and ($6::text is null or c.org_id = $6)${chunkPredicate}
         order by distance limit $5
       ) c
       join skill_versions sv on sv.id = c.version_id
       where sv.embedding_model = $3 and ${base})
    ) candidates
    order by id, distance
  ) v
  order by similarity desc, id limit $5
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
    ${zscore('f.score')} as fz, ${zscore('v.similarity')} as vz, ${zscore('t.similarity')} as tz,
    f.rank as fulltext_rank, f.score as fulltext_score,
    v.rank as vector_rank, v.similarity as vector_similarity,
    t.rank as trigram_rank, t.similarity as trigram_similarity,
    f.fields_terms, f.body_terms, v.chunk as vector_chunk
  from fulltext f
  full join vector v on v.id = f.id
  full join trigram t on t.id = coalesce(f.id, v.id)
)
select r.*, cov.evidence, cov.words from (
  select sv.id, sv.skill_id, sv.name, sv.version, sv.description, sv.tags, sv.inputs, sv.outputs,
    (${fusionScore(input.fusion ?? 'zscore')})::float8 as score,
    fused.fulltext_rank::int, fused.fulltext_score::float8,
    fused.vector_rank::int, fused.vector_similarity::float8,
    fused.trigram_rank::int, fused.trigram_similarity::float8,
    fused.fields_terms, fused.body_terms, fused.vector_chunk::int
  from (select *, least(min(fz) over (), 0) as fz_min, least(min(vz) over (), 0) as vz_min,
    least(min(tz) over (), 0) as tz_min from fused) fused
  join skill_versions sv on sv.id = fused.id
  order by score desc, sv.id
  limit $4
) r
join skill_versions sv on sv.id = r.id
cross join lateral (${evidenceSql()}) cov
order by r.score desc, r.id`;
  return { sql, params };
}

/**
 * A channel's score standardised over its candidate list. When the list has one candidate (or all score the same)
 * there is no spread: being on the list counts 1 and being missing 0, rather than the channel counting for nothing.
 */
function zscore(column: string): string {
  return `case when ${column} is null then null
    else coalesce((${column} - avg(${column}) over ()) / nullif(stddev_pop(${column}) over (), 0), 1) end`;
}

function fusionScore(fusion: Fusion): string {
  if (fusion === 'rrf') {
    return `coalesce(1.0 / (${RRF_K} + fused.fulltext_rank), 0) + coalesce(1.0 / (${RRF_K} + fused.vector_rank), 0)
    + coalesce(1.0 / (${RRF_K} + fused.trigram_rank), 0)`;
  }
  return 'coalesce(fused.fz, fused.fz_min, 0) + coalesce(fused.vz, fused.vz_min, 0) + coalesce(fused.tz, fused.tz_min, 0)';
}
