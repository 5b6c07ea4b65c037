-- Search over skill versions: a weighted tsvector for full-text ranking and a trigram index for typo-tolerant name
-- matching. Plain SQL valid on PostgreSQL 15+ (with pgvector, pg_trgm) and on PGlite.

-- The document is name (A), tags (B) and description (C). A function, because array_to_string is only STABLE in
-- general (element output functions may depend on settings) and a generated column needs an IMMUTABLE expression;
-- for text[] it is immutable in fact.
create or replace function skill_search_vector(name text, tags text[], description text) returns tsvector
language sql immutable parallel safe as $$
  select setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(array_to_string(tags, ' '), '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C')
$$;

-- Generated, so every writer (upload, publish, backfill) gets it right without remembering to.
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
