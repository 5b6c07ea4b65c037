/**
 * Scoring helpers for bench/routing.ts: the evaluation sets and how a ranking or a selection is scored.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from './stats.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const EVAL_DIR = resolve(HERE, '../../shared/eval/routing');

export interface EvalSkill {
  name: string;
  description: string;
  tags: string[];
}
export interface EvalQuery {
  query: string;
  expected: string;
  also_ok: string[];
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** The development set (../shared/eval/routing): 50 skills, their SKILL.md bodies, 150 requests. */
export const dev = {
  catalog: readJson<EvalSkill[]>(resolve(EVAL_DIR, 'catalog.json')),
  bodies: readJson<Record<string, string>>(resolve(EVAL_DIR, 'bodies.json')),
  queries: readJson<EvalQuery[]>(resolve(EVAL_DIR, 'queries.json')),
};

/**
 * Ours, never used to choose anything: requests for the repository's example skills (bundles/, uploaded beside the
 * dev catalog, so they compete with it), and off-topic requests (cooking, travel, trivia, home, hobbies).
 */
export const heldOut = {
  queries: readJson<EvalQuery[]>(resolve(HERE, 'routing-data/heldout-queries.json')),
  offTopic: readJson<string[]>(resolve(HERE, 'routing-data/offtopic.json')),
};

export type Ranked = { name: string; confidence: number }[];

export interface RankingScore {
  top1: number;
  top3: number;
  mrr: number;
  p50: number;
  p95: number;
}

/** Top-1, top-3, MRR (expected or also_ok counts as right) and latency of `rank` over `queries`. */
export async function scoreRanking(
  queries: readonly EvalQuery[],
  rank: (query: string) => Promise<Ranked>,
): Promise<RankingScore & { ranked: Ranked[] }> {
  let top1 = 0;
  let top3 = 0;
  let mrr = 0;
  const times: number[] = [];
  const ranked: Ranked[] = [];
  for (const q of queries) {
    const start = performance.now();
    const results = await rank(q.query);
    times.push(performance.now() - start);
    ranked.push(results);
    const ok = new Set([q.expected, ...q.also_ok]);
    const at = results.findIndex((r) => ok.has(r.name));
    if (at === 0) top1++;
    if (at >= 0 && at < 3) top3++;
    if (at >= 0) mrr += 1 / (at + 1);
  }
  times.sort((a, b) => a - b);
  const n = queries.length;
  return {
    top1: top1 / n,
    top3: top3 / n,
    mrr: mrr / n,
    p50: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    ranked,
  };
}

/**
 * What select does at a threshold, from rankings already made: on real requests the share it abstains on and its
 * top-1 (an abstention counts as a miss), on off-topic requests the share it abstains on.
 */
export function scoreSelect(
  threshold: number,
  queries: readonly EvalQuery[],
  ranked: readonly Ranked[],
  offTopic: readonly Ranked[],
) {
  let abstained = 0;
  let right = 0;
  queries.forEach((q, i) => {
    const first = ranked[i]?.[0];
    if (!first || first.confidence < threshold) abstained++;
    else if (first.name === q.expected || q.also_ok.includes(first.name)) right++;
  });
  const offAbstained = offTopic.filter((r) => !r[0] || r[0].confidence < threshold).length;
  return {
    realAbstention: abstained / queries.length,
    selectTop1: right / queries.length,
    offTopicAbstention: offAbstained / offTopic.length,
  };
}

export const f3 = (x: number) => x.toFixed(3);
export const f1 = (x: number) => x.toFixed(1).padStart(6);
