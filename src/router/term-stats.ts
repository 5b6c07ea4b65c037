import type { Queryable } from '../db/database.ts';
import type { FeatureDf, QueryFeatures } from './embedder.ts';

/**
 * Per-organisation document frequencies of the `search` lexemes (table `search_term_stats`, migration 003), for
 * BM25's IDF and for leaving common words out of the index probe. They count every version of the organisation
 * (drafts and old versions too): an approximation that changes slowly, which is all ranking needs. Beside them,
 * `search_trigram_stats` (migration 004) counts the character trigrams of the embedded text, for the local
 * embedder's query-side IDF (`featureDf`).
 */

/** The distinct lexemes of one version over both full-text fields (name/tags/description and body). */
const VERSION_LEXEMES = `lateral (select lexeme from unnest(sv.search) union select lexeme from unnest(sv.search_body)) as t`;

/** The trigrams of one version's embedded text, as pg_trgm splits it (the local embedder's trigram features). */
const VERSION_TRIGRAMS = 'unnest(show_trgm(skill_search_text(sv.name, sv.tags, sv.description))) as g(trigram)';

/**
 * Adds newly stored versions to their organisations' statistics. Call once per version (the indexer does, for
 * `onVersionStored` events); a full `refreshTermStats` corrects any drift (deleted skills, races).
 */
export async function addToTermStats(db: Queryable, versionIds: readonly string[]): Promise<void> {
  if (versionIds.length === 0) return;
  await db.query(
    `insert into search_term_stats (org_id, lexeme, df)
     select org_id, lexeme, count(*)::int from (
       select sv.org_id, t.lexeme from skill_versions sv cross join ${VERSION_LEXEMES}
       where sv.id = any($1::uuid[])
       union all
       select sv.org_id, '' from skill_versions sv where sv.id = any($1::uuid[])
     ) x group by org_id, lexeme
     on conflict (org_id, lexeme) do update set df = search_term_stats.df + excluded.df`,
    [versionIds],
  );
  await db.query(
    `insert into search_trigram_stats (org_id, trigram, df)
     select sv.org_id, g.trigram, count(*)::int from skill_versions sv cross join lateral ${VERSION_TRIGRAMS}
     where sv.id = any($1::uuid[]) group by sv.org_id, g.trigram
     on conflict (org_id, trigram) do update set df = search_trigram_stats.df + excluded.df`,
    [versionIds],
  );
}

/** Recomputes the statistics (words and trigrams) of every organisation from scratch, in one batch of statements. */
export async function refreshTermStats(db: Queryable): Promise<void> {
  await db.exec(`
    delete from search_term_stats;
    insert into search_term_stats (org_id, lexeme, df)
    select sv.org_id, t.lexeme, count(*)::int from skill_versions sv cross join ${VERSION_LEXEMES}
    group by sv.org_id, t.lexeme
    union all
    select org_id, '', count(*)::int from skill_versions group by org_id;
    delete from search_trigram_stats;
    insert into search_trigram_stats (org_id, trigram, df)
    select sv.org_id, g.trigram, count(*)::int from skill_versions sv cross join lateral ${VERSION_TRIGRAMS}
    group by sv.org_id, g.trigram;`);
}

/**
 * Document frequencies in `orgId`'s versions of a request's features (`Embedder.queryFeatures`), in one round
 * trip: each word through the same English stemmer as the `search` column, each trigram as is; `n` is the number
 * of versions (0 before any statistics exist).
 */
export async function featureDf(db: Queryable, orgId: string, features: QueryFeatures): Promise<FeatureDf> {
  const rows = await db.query<{ kind: string; feature: string; df: number }>(
    `select 'n' as kind, '' as feature, coalesce(
       (select df from search_term_stats where org_id = $1 and lexeme = ''), 0) as df
     union all
     select 'w', w.word, coalesce((select max(s.df) from unnest(to_tsvector('english', w.word)) t
       join search_term_stats s on s.org_id = $1 and s.lexeme = t.lexeme), 0)
     from unnest($2::text[]) as w(word)
     union all
     select 't', g.trigram, coalesce(s.df, 0)
     from unnest($3::text[]) as g(trigram) left join search_trigram_stats s on s.org_id = $1 and s.trigram = g.trigram`,
    [orgId, features.words, features.trigrams],
  );
  let n = 0;
  const words = new Map<string, number>();
  const trigrams = new Map<string, number>();
  for (const row of rows) {
    if (row.kind === 'n') n = Number(row.df);
    else if (row.kind === 'w') words.set(row.feature, Number(row.df));
    else trigrams.set(row.feature, Number(row.df));
  }
  return { n, words, trigrams };
}
