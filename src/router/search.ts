import type { Caller } from '../auth/caller.ts';
import type { Queryable } from '../db/database.ts';
import { Where } from '../db/where.ts';
import type { IoField } from '../skills/manifest.ts';
import { LATEST_VERSION_ORDER } from '../skills/sql.ts';
import { skillVisible, versionVisible, viewer } from '../skills/visibility.ts';
import type { Logger } from '../telemetry/logger.ts';
import { confidences } from './confidence.ts';
import type { Embedder } from './embedder.ts';
import { buildHybridSearch, type HybridSearchRow, type SearchChannel, type SqlFragment } from './search-sql.ts';
import { featureDf } from './term-stats.ts';

/**
 * `POST /skills/select` answers with no skill below this confidence. Chosen on the dev queries and our own
 * off-topic requests (bench/routing.ts prints both): see README, "Routing".
 */
export const DEFAULT_MIN_CONFIDENCE = 0.5;

/** `hybrid` fuses every signal; `fulltext` and `vector` use one, for evaluation and debugging. */
export type SearchMode = 'hybrid' | 'fulltext' | 'vector';

export interface SearchInput {
  query: string;
  topK: number;
  /** Only skills carrying every one of these tags. */
  tags?: readonly string[];
  /** Only skills with an input (output) of this media type; `image/*` matches any image type. */
  inputMime?: string;
  outputMime?: string;
  /** Rank each skill's newest version even when it is a draft (default: latest published version only). */
  includeDrafts?: boolean;
  /** Drop results scoring below this. */
  minScore?: number;
  /** Drop results whose confidence is below this (0-1). */
  minConfidence?: number;
  /** Add the matched words, the best body chunk and the confidence evidence to each result's `explain`. */
  explain?: boolean;
  mode?: SearchMode;
}

export interface SearchHit {
  skill: {
    id: string;
    name: string;
    description: string;
    tags: string[];
    version: string;
    version_id: string;
    inputs: IoField[] | null;
    outputs: IoField[] | null;
  };
  score: number;
  /** 0-1; see `confidences`. */
  confidence: number;
  explain: {
    fulltext_rank: number | null;
    fulltext_score: number | null;
    vector_rank: number | null;
    vector_similarity: number | null;
    trigram_rank: number | null;
    trigram_similarity: number | null;
    /** With `explain`: the stemmed request words found in the skill's name/tags/description and in its body. */
    matched_terms?: { fields: string[]; body: string[] };
    /** With `explain`: the body chunk whose vector scored (null: the description's vector, or no vector signal). */
    vector_chunk?: number | null;
    /** With `explain`: this result's own evidence, before the cap by better-ranked results. */
    evidence?: number;
    /** With `explain`: each content word of the request, its IDF, and how much this skill has it (0-1). */
    words?: { word: string; idf: number; credit: number }[];
  };
}

export interface SearchResponse {
  results: SearchHit[];
  /** Which embedder ranked the vector channel, and whether it did (the query embedding can fail or be skipped). */
  embedding: { provider: string; used: boolean };
}

export interface SearchDeps {
  db: Queryable;
  embedder: Embedder;
  logger: Logger;
  /** Time allowed for embedding the request; past it, search answers without the vector channel. Default 5 000. */
  queryEmbedTimeoutMs?: number;
}

const CHANNELS: Record<SearchMode, SearchChannel[]> = {
  hybrid: ['fulltext', 'vector', 'trigram'],
  fulltext: ['fulltext'],
  vector: ['vector'],
};

/** The newest version of the candidate's skill among the allowed statuses that the caller may see. */
function latestOf(caller: Caller, statuses: string): SqlFragment {
  const where = new Where();
  const sql = `sv.id = (
    select v.id from skill_versions v join skills vs on vs.id = v.skill_id
    where v.skill_id = sv.skill_id and v.status in (${statuses}) and ${versionVisible('v', 'vs', viewer(where, caller))}
    order by ${LATEST_VERSION_ORDER}
    limit 1)`;
  return { sql, params: where.params };
}

/** The candidate's skill is visible to the caller and carries every tag. */
function visibleWithTags(caller: Caller, tags: readonly string[]): SqlFragment {
  const where = new Where();
  const sql = `exists (select 1 from skills s where s.id = sv.skill_id and ${skillVisible('s', viewer(where, caller))}
    and s.tags @> ${where.param(tags.map((tag) => tag.toLowerCase()))}::text[])`;
  return { sql, params: where.params };
}

/**
 * An input/output list (jsonb array of `{name, type, mime?}`) as an array. A jsonb *string* holding the array is
 * read too: the PostgreSQL client currently stores JSON text parameters that way (see `ioList`).
 */
const ioArray = (column: 'inputs' | 'outputs') => `case jsonb_typeof(sv.${column})
  when 'array' then sv.${column} when 'string' then (sv.${column} #>> '{}')::jsonb else '[]'::jsonb end`;

/** The list holds a field of media type $1 (`type/*` matches any subtype). */
const hasMime = (column: 'inputs' | 'outputs') => `exists (
  select 1 from jsonb_array_elements(${ioArray(column)}) e
  where e->>'mime' = $1 or ($1 like '%/*' and e->>'mime' like left($1, -1) || '%'))`;

/**
 * The skill router: hybrid search over the skills a caller may see. Filters (organisation, visibility, tags, media
 * types, latest version) are SQL conditions applied before ranking, so `top_k` counts only eligible skills.
 *
 * @example
 * const search = createSearchService({ db, embedder, logger });
 * const { results } = await search.search(caller, { query: 'merge two pdfs', topK: 5 });
 */
export function createSearchService(deps: SearchDeps) {
  const { db, embedder, logger } = deps;
  const timeoutMs = deps.queryEmbedTimeoutMs ?? 5_000;

  /**
   * The local embedder weighs the request's features by their IDF in the caller's organisation (document vectors
   * carry none, so they never go stale); other embedders embed the request as they embed skills.
   */
  async function embedRequest(query: string, orgId: string): Promise<number[]> {
    if (embedder.queryFeatures && embedder.embedQuery) {
      const df = await featureDf(db, orgId, embedder.queryFeatures(query));
      if (df.n > 0) return embedder.embedQuery(query, df);
    }
    const [vector] = await embedder.embed([query]);
    if (!vector) throw new Error('the embedder returned no vector');
    return vector;
  }

  async function embedQuery(query: string, orgId: string): Promise<number[] | null> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`query embedding took over ${timeoutMs} ms`)), timeoutMs);
      });
      return await Promise.race([embedRequest(query, orgId), timeout]);
    } catch (error) {
      // Degrade to lexical search rather than fail: the embedding service is an optional dependency at query time.
      logger.warn({ err: error, model: embedder.key }, 'query embedding failed; searching without vectors');
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  async function search(caller: Caller, input: SearchInput): Promise<SearchResponse> {
    const mode = input.mode ?? 'hybrid';
    const channels = CHANNELS[mode];
    const queryEmbedding = channels.includes('vector') ? await embedQuery(input.query, caller.orgId) : null;
    const statuses = input.includeDrafts ? (['published', 'draft'] as const) : (['published'] as const);
    const filters: SqlFragment[] = [
      { sql: 'sv.org_id = $1', params: [caller.orgId] },
      visibleWithTags(caller, input.tags ?? []),
      latestOf(caller, statuses.map((s) => `'${s}'`).join(', ')),
    ];
    if (input.inputMime) filters.push({ sql: hasMime('inputs'), params: [input.inputMime.toLowerCase()] });
    if (input.outputMime) filters.push({ sql: hasMime('outputs'), params: [input.outputMime.toLowerCase()] });
    const { sql, params } = buildHybridSearch({
      query: input.query,
      queryEmbedding,
      embeddingKey: embedder.key,
      topK: input.topK,
      filters,
      statuses,
      statsOrg: caller.orgId,
      channels,
    });
    const rows = await db.query<HybridSearchRow>(sql, params);
    const confidence = confidences(rows);
    const { minScore, minConfidence } = input;
    const hits = rows.map((row, i) => toHit(row, confidence[i]!, input.explain === true));
    return {
      results: hits.filter(
        (hit) =>
          (minScore === undefined || hit.score >= minScore) &&
          (minConfidence === undefined || hit.confidence >= minConfidence),
      ),
      embedding: { provider: embedder.key, used: queryEmbedding !== null },
    };
  }

  return {
    search,
    /** Skill ids ranked for `query`, newest version of any status: what `GET /skills?q=` lists. */
    async rankSkillIds(caller: Caller, query: string, limit: number): Promise<string[]> {
      const { results } = await search(caller, { query, topK: limit, includeDrafts: true });
      return results.map((hit) => hit.skill.id);
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;

function toHit(row: HybridSearchRow, confidence: number, explain: boolean): SearchHit {
  return {
    skill: {
      id: row.skill_id,
      name: row.name,
      description: row.description,
      tags: row.tags,
      version: row.version,
      version_id: row.id,
      inputs: ioList(row.inputs),
      outputs: ioList(row.outputs),
    },
    score: row.score,
    confidence,
    explain: {
      fulltext_rank: row.fulltext_rank,
      fulltext_score: row.fulltext_score,
      vector_rank: row.vector_rank,
      vector_similarity: row.vector_similarity,
      trigram_rank: row.trigram_rank,
      trigram_similarity: row.trigram_similarity,
      ...(explain && {
        matched_terms: { fields: row.fields_terms ?? [], body: row.body_terms ?? [] },
        vector_chunk: row.vector_chunk,
        evidence: Math.round(Number(row.evidence) * 1000) / 1000,
        words: (row.words ?? []).map((w) => ({ word: w.word, idf: Number(w.idf), credit: Number(w.credit) })),
      }),
    },
  };
}

/** A stored inputs/outputs value as a list; tolerates JSON text stored as a jsonb string. */
function ioList(value: unknown): IoField[] | null {
  const parsed = typeof value === 'string' ? JSON.parse(value) : value;
  return Array.isArray(parsed) ? (parsed as IoField[]) : null;
}
