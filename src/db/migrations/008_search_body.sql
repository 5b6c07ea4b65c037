-- The router reads the whole skill: besides name, tags and description (the `search` column of migration 003), a
-- second full-text field holds the SKILL.md body, its headings, the bundle's file names and the `when_to_use`
-- front-matter field, and body chunks get their own embeddings. See src/router/search-sql.ts for how the fields
-- are weighted.

-- The body document, by weight: A `when_to_use` (written like a description), B the Markdown headings, C the file
-- names spelled as words (`scripts/fill_form.py` -> "scripts fill form py"), D the body itself. The body is cut at
-- 20,000 characters and the file list at 200 names, so a huge body costs no more to store and score than a long
-- one (ranking caps body term counts too).
create or replace function skill_body_vector(instructions text, metadata jsonb, paths text[]) returns tsvector
language sql immutable parallel safe as $$
  select setweight(to_tsvector('english'::regconfig, left(coalesce(
      metadata #>> '{front_matter,when_to_use}', metadata #>> '{front_matter,metadata,when_to_use}', ''), 2000)), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce((
      select string_agg(m[1], ' ') from regexp_matches(left(coalesce(instructions, ''), 20000),
        '^#{1,6}[ \t]+([^\n]+)', 'gn') as m), '')), 'B')
    || setweight(to_tsvector('english'::regconfig,
      translate(coalesce(array_to_string(paths[1:200], ' '), ''), '/._-', '    ')), 'C')
    || setweight(to_tsvector('english'::regconfig, left(coalesce(instructions, ''), 20000)), 'D')
$$;

-- The bundle's file names of one version, in path order, for skill_body_vector.
create or replace function skill_file_paths(version uuid) returns text[]
language sql stable parallel safe as $$
  select coalesce(array_agg(path order by path), '{}') from (
    select path from skill_files where version_id = version order by path limit 200) p
$$;

-- Written with the version's files, in the upload's transaction (src/skills/store-writes.ts); existing versions are
-- indexed here, once, by the upgrade.
alter table skill_versions add column if not exists search_body tsvector;
update skill_versions set search_body = skill_body_vector(instructions, metadata, skill_file_paths(id))
  where search_body is null;
create index if not exists skill_versions_search_body_idx on skill_versions using gin (search_body);

-- Embeddings of body chunks (src/router/chunks.ts): a skill's vector score is the best of its description vector
-- (skill_versions.embedding) and its chunks. Deleting a version (a replaced draft) deletes its chunks.
create table if not exists skill_version_chunks (
  version_id uuid not null references skill_versions (id) on delete cascade,
  chunk integer not null,
  org_id text not null,
  embedding vector not null,
  embedding_model text not null,
  primary key (version_id, chunk)
);
create index if not exists skill_version_chunks_embedding_1536_idx on skill_version_chunks
  using hnsw ((embedding::vector(1536)) vector_cosine_ops) where vector_dims(embedding) = 1536;
-- Without statistics on vector_dims the planner guesses 0.5% of rows pass the index's predicate, finds a sort of
-- so few rows cheaper, and never uses the HNSW index (measured at 10,000 skills: a sequential scan of every chunk).
create statistics if not exists skill_version_chunks_dims_stats on (vector_dims(embedding)) from skill_version_chunks;
create statistics if not exists skill_versions_dims_stats on (vector_dims(embedding)) from skill_versions;

-- Existing versions have no chunk embeddings yet: marking them stale makes the start-up catch-up (the indexer's
-- reindex, in batches, in the background) embed them again with their chunks.
update skill_versions set embedding_model = null where instructions <> '';

-- Term statistics now count body words too (a version's lexemes are the union of both fields).
delete from search_term_stats;
insert into search_term_stats (org_id, lexeme, df)
select sv.org_id, t.lexeme, count(*)::int
from skill_versions sv cross join lateral (
  select lexeme from unnest(sv.search) union select lexeme from unnest(sv.search_body)) as t
group by sv.org_id, t.lexeme
union all
select org_id, '', count(*)::int from skill_versions group by org_id;
