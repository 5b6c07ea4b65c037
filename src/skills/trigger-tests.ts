/**
 * Trigger tests (`tests/triggers.json`): requests that should select a skill and requests that should not, checked
 * against the router. This is how Agent Skills test a description: the same file runs from `open-skills test`,
 * from `open-skills publish` and on the server before a version is published (`require_tests=true`).
 */
import { z } from 'zod';
import { parseTestFile } from './test-cases.ts';

/** The file, under `tests/`. */
export const TRIGGERS_FILE = 'triggers.json';

const request = z.string().trim().min(1).max(2000);

export const TriggerSuiteSchema = z
  .object({
    should_trigger: z
      .array(request)
      .max(100)
      .default([])
      .meta({ description: 'Requests the router should answer with this skill', example: ['merge two pdfs'] }),
    should_not_trigger: z
      .array(request)
      .max(100)
      .default([])
      .meta({ description: 'Requests it should not answer with this skill first', example: ['write a poem'] }),
    top_k: z.number().int().min(1).max(10).default(3).meta({
      description: 'A should-trigger request passes when the skill ranks within the first top_k (default 3)',
      example: 3,
    }),
    threshold: z.number().min(0).max(1).default(1).meta({
      description: 'Share of all requests that must pass (default 1: every one)',
      example: 0.8,
    }),
  })
  .strict()
  .refine((suite) => suite.should_trigger.length + suite.should_not_trigger.length > 0, {
    message: 'list at least one request in should_trigger or should_not_trigger',
  })
  .meta({ id: 'TriggerSuite' });

export type TriggerSuite = z.infer<typeof TriggerSuiteSchema>;

export interface TriggerCase {
  query: string;
  expect: 'trigger' | 'no_trigger';
  /** Where the router ranked the skill (1 = first); null when it was not among the results looked at. */
  rank: number | null;
  /** The router's confidence in the skill for this request; null when it was not among the results. */
  confidence: number | null;
  /** The request's stemmed words the skill has (the router's explain): why it matched, or why it did not. */
  matched: string[];
  passed: boolean;
}

export interface TriggerReport {
  skill: string;
  cases: TriggerCase[];
  /** Should-trigger requests that ranked the skill first, and within the first three. */
  top1: { hits: number; total: number };
  top3: { hits: number; total: number };
  passed: number;
  total: number;
  /** passed / total. */
  rate: number;
  top_k: number;
  threshold: number;
  /** rate >= threshold. */
  ok: boolean;
}

/** Parses `tests/triggers.json`; returns a readable problem instead of throwing. */
export function parseTriggers(text: string): { suite?: TriggerSuite; problem?: string } {
  const { value, problem } = parseTestFile(text, TRIGGERS_FILE, TriggerSuiteSchema, 'is not a trigger suite');
  return { suite: value, problem };
}

/** A skill the router ranked, with its confidence and the request words it matched. */
export interface RankedSkill {
  name: string;
  confidence: number;
  matched: string[];
}

/** Ranks skills for a request, best first. */
export type RankSkills = (query: string, topK: number) => Promise<RankedSkill[]>;

/**
 * Asks the router for every request of `suite` and checks where `skill` ranks: a should-trigger request passes when
 * the skill is within the first `top_k`; a should-not-trigger request passes unless the skill comes first.
 */
export async function evaluateTriggers(skill: string, suite: TriggerSuite, rank: RankSkills): Promise<TriggerReport> {
  const depth = Math.max(3, suite.top_k);
  const cases: TriggerCase[] = [];
  const planned = [
    ...suite.should_trigger.map((query) => ({ query, expect: 'trigger' as const })),
    ...suite.should_not_trigger.map((query) => ({ query, expect: 'no_trigger' as const })),
  ];
  for (const { query, expect } of planned) {
    const ranked = await rank(query, depth);
    const index = ranked.findIndex((r) => r.name === skill);
    const position = index < 0 ? null : index + 1;
    const passed = expect === 'trigger' ? position !== null && position <= suite.top_k : position !== 1;
    const hit = ranked[index];
    cases.push({
      query,
      expect,
      rank: position,
      confidence: hit?.confidence ?? null,
      matched: hit?.matched ?? [],
      passed,
    });
  }
  const should = cases.filter((c) => c.expect === 'trigger');
  const within = (n: number) => should.filter((c) => c.rank !== null && c.rank <= n).length;
  const passed = cases.filter((c) => c.passed).length;
  const rate = cases.length ? passed / cases.length : 1;
  return {
    skill,
    cases,
    top1: { hits: within(1), total: should.length },
    top3: { hits: within(3), total: should.length },
    passed,
    total: cases.length,
    rate,
    top_k: suite.top_k,
    threshold: suite.threshold,
    // A rounding margin: 4 of 5 passing meets a threshold written as 0.8.
    ok: rate + 1e-9 >= suite.threshold,
  };
}

const percent = (n: number, total: number) => (total ? `${Math.round((100 * n) / total)}%` : '-');

/** One line for people: "top-1 4/5 (80%), top-3 5/5 (100%); 7 of 8 requests pass (88%, threshold 80%)". */
export function describeTriggers(report: TriggerReport): string {
  return (
    `top-1 ${report.top1.hits}/${report.top1.total} (${percent(report.top1.hits, report.top1.total)}), ` +
    `top-3 ${report.top3.hits}/${report.top3.total} (${percent(report.top3.hits, report.top3.total)}); ` +
    `${report.passed} of ${report.total} requests pass (${percent(report.passed, report.total)}, ` +
    `threshold ${Math.round(report.threshold * 100)}%)`
  );
}

/** What each failing request did, for error lists. */
export const triggerFailures = (report: TriggerReport) =>
  report.cases
    .filter((c) => !c.passed)
    .map((c) =>
      c.expect === 'trigger'
        ? `"${c.query}" should select ${report.skill} (within the first ${report.top_k}) but it ranked ${c.rank ?? 'lower'}` +
          (c.matched.length ? ` (matched: ${c.matched.join(', ')})` : ' (no word of the request matched)')
        : `"${c.query}" should not select ${report.skill} but it ranked first (matched: ${c.matched.join(', ') || 'nothing'}; confidence ${c.confidence})`,
    );
