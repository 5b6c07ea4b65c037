-- Document frequency of every character trigram (pg_trgm's show_trgm of skill_search_text, the text the local
-- embedder embeds) per organisation, over all its versions; with the word frequencies of search_term_stats it gives
-- the local embedder's query features their IDF at search time (src/router/local-embedder.ts, embedQuery). Kept by
-- the indexer beside search_term_stats (src/router/term-stats.ts).
create table if not exists search_trigram_stats (
  org_id text not null,
  trigram text not null,
  df integer not null,
  primary key (org_id, trigram)
);
