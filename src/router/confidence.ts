/**
 * How sure the router is that a result fits (`confidence`, 0-1): the evidence of each result, computed in SQL with
 * the search (`evidenceSql`), and the cap that keeps confidence falling with the score (`confidences`).
 */

/**
 * Confidence evidence: a request word found only in a skill's body counts this much (bodies mention many things
 * in passing); a word found nowhere counts by its trigram similarity to the skill's name/tags/description when at
 * least `fuzzyFloor` (pg_trgm's word_similarity: typos keep most trigrams, unrelated words share few).
 */
export const CONFIDENCE = { bodyOnly: 0.5, fuzzyFloor: 0.5 } as const;

/**
 * The evidence behind a result's confidence: 1 − exp(−Σ credit·idf / idf_unseen) over the request's content words.
 * A word's credit is 1 when the skill's name, tags or description has it, `CONFIDENCE.bodyOnly` when only its body
 * field does, its trigram similarity to the name/tags/description when that reaches `CONFIDENCE.fuzzyFloor`
 * (typos), else 0. idf = ln(1 + N/df) over the organisation's N versions, and idf_unseen = ln(1 + 2N) is the IDF of
 * a word no skill has, so each matched word counts by how specific it is in this catalog: one fully specific word
 * gives 0.63, two 0.86, a word half the skills have ~0.2. Words the skill lacks do not lower it, so long requests
 * full of incidental detail are not punished; requests about something else match only common words and stay low.
 */
export function evidenceSql(): string {
  const { bodyOnly, fuzzyFloor } = CONFIDENCE;
  return `select coalesce(1 - exp(-sum(w.idf * w.credit) / nullif(max(w.unseen_idf), 0)), 0)::float8 as evidence,
    jsonb_agg(jsonb_build_object('word', w.word, 'idf', round(w.idf::numeric, 3), 'credit', round(w.credit::numeric, 3))
      order by w.idf desc) as words
  from (
    select qi.word, qi.idf, qi.unseen_idf, case
      when sv.search @@ qi.tsq then 1
      when coalesce(sv.search_body @@ qi.tsq, false) then ${bodyOnly}
      else (select case when z.s >= ${fuzzyFloor} then z.s else 0 end
            from (select word_similarity(qi.word, skill_search_text(sv.name, sv.tags, sv.description))::float8 as s) z)
    end::float8 as credit
    from query_idf qi
  ) w`;
}

/**
 * Each result's confidence: its evidence (how many of the request's specific words it has, see `evidenceSql` in
 * search-sql.ts), capped by the confidence of every better-ranked result, so confidence never rises as the score
 * falls. Capping rather than raising keeps the top result's confidence its own: raising it to the best evidence
 * among ten results made off-topic requests look answerable (one of ten skills always shares a word or two).
 * Rounded to 3 decimals.
 */
export function confidences(rows: readonly { evidence: number }[]): number[] {
  let cap = 1;
  return rows.map((row) => {
    cap = Math.min(cap, Math.max(0, Math.min(1, Number(row.evidence) || 0)));
    return Math.round(cap * 1000) / 1000;
  });
}
