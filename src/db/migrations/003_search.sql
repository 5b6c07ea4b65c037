-- Search over skill versions: a weighted tsvector for full-text ranking, a trigram index for typo-tolerant
-- matching, an HNSW index for embeddings, and per-organisation term statistics for BM25. Plain SQL valid on
-- PostgreSQL 15+ (with pgvector, pg_trgm) and on PGlite.

-- The document is name (A), tags (B) and description (C). A function, because array_to_string is only STABLE in
-- general (element output functions may depend on settings) and a generated column needs an IMMUTABLE expression;
-- for text[] it is immutable in fact.
create or replace function skill_search_vector(name text, tags text[], description text) returns tsvector
language sql immutable parallel safe as $$
  select setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(array_to_string(tags, ' '), '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C')
$$;

-- Generated, so every writer (upload, publish, backfill) gets it right without remembering to: a version is
-- searchable by full text the moment its row commits, before its embedding lands.
alter table skill_versions drop column if exists search;
alter table skill_versions add column search tsvector
  generated always as (skill_search_vector(name, tags, description)) stored;
create index if not exists skill_versions_search_idx on skill_versions using gin (search);

-- The same text the local embedder embeds (src/router/text.ts skillSearchText), for trigram similarity.
create or replace function skill_search_text(name text, tags text[], description text) returns text
language sql immutable parallel safe as $$
  select concat_ws('. ', nullif(translate(name, '-_', '  '), ''),
    nullif(translate(array_to_string(tags, ', '), '-_', '  '), ''), nullif(description, ''))
$$;
create index if not exists skill_versions_search_trgm_idx on skill_versions
  using gist (skill_search_text(name, tags, description) gist_trgm_ops);

-- Approximate nearest neighbours for 1536-dimensional embeddings (the OpenAI default and the local embedder's
-- default). The column has no fixed size, so the index is on a cast, limited to rows where the cast is valid;
-- search uses the same cast and predicate for 1536-dimensional queries and an exact scan for any other size.
create index if not exists skill_versions_embedding_1536_idx on skill_versions
  using hnsw ((embedding::vector(1536)) vector_cosine_ops) where vector_dims(embedding) = 1536;
-- The background indexer looks for rows whose embedding is missing or from another model.
create index if not exists skill_versions_embedding_model_idx on skill_versions (embedding_model);

-- Document frequency of every `search` lexeme per organisation, over all its versions; the row with lexeme ''
-- holds the number of versions. Kept by the indexer (src/router/term-stats.ts) as versions are indexed and
-- recomputed on start-up and reindex; search uses it for BM25's IDF and to leave very common words out of the
-- index probe (they still score the rows the other words find).
create table if not exists search_term_stats (
  org_id text not null,
  lexeme text not null,
  df integer not null,
  primary key (org_id, lexeme)
);
