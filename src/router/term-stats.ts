import type { Queryable } from '../db/database.ts';

/**
 * Per-organisation document frequencies of the `search` lexemes (table `search_term_stats`, migration 003), for
 * BM25's IDF and for leaving common words out of the index probe. They count every version of the organisation
 * (drafts and old versions too): an approximation that changes slowly, which is all ranking needs.
 */

/**
 * Adds newly stored versions to their organisations' statistics. Call once per version (the indexer does, for
 * `onVersionStored` events); a full `refreshTermStats` corrects any drift (deleted skills, races).
 */
export async function addToTermStats(db: Queryable, versionIds: readonly string[]): Promise<void> {
  if (versionIds.length === 0) return;
  await db.query(
    `insert into search_term_stats (org_id, lexeme, df)
     select org_id, lexeme, count(*)::int from (
       select sv.org_id, t.lexeme from skill_versions sv cross join lateral unnest(sv.search) as t
       where sv.id = any($1::uuid[])
       union all
       select sv.org_id, '' from skill_versions sv where sv.id = any($1::uuid[])
     ) x group by org_id, lexeme
     on conflict (org_id, lexeme) do update set df = search_term_stats.df + excluded.df`,
    [versionIds],
  );
}

/** Recomputes the statistics of every organisation from scratch, in one statement. */
export async function refreshTermStats(db: Queryable): Promise<void> {
  await db.exec(`
    delete from search_term_stats;
    insert into search_term_stats (org_id, lexeme, df)
    select sv.org_id, t.lexeme, count(*)::int from skill_versions sv cross join lateral unnest(sv.search) as t
    group by sv.org_id, t.lexeme
    union all
    select org_id, '', count(*)::int from skill_versions group by org_id;`);
}
