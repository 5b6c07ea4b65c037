/**
 * A skill's test cases (`tests/*.json`): their schema, how a run is checked against one, and the one loop that runs
 * them. The loop is told how to execute a case, so the same cases run locally in the sandbox (`open-skills test`),
 * through the API (`open-skills publish`), on the server before a version is published
 * (`POST /skill-versions/{id}/publish?require_tests=true`) and in-process in the bundle tests.
 */
import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { type CaseFileSpecSchema, SkillCaseSchema } from './schemas.ts';

export type CaseFileSpec = z.infer<typeof CaseFileSpecSchema>;

/** A parsed case; `name` defaults to the file name without `.json`. */
export type SkillCase = z.infer<typeof SkillCaseSchema> & { name: string };

/** A run outcome, from the local sandbox, the server or the bundle tests, reduced to what cases check. */
export interface CaseOutcome {
  status: string;
  output?: unknown;
  error?: { type: string; message: string; errors?: { field: string; message: string }[] } | null;
  artifacts: { name: string; mimeType: string; size: number }[];
}

/**
 * Parses a JSON file of `tests/` with `schema`; a problem names the file and every wrong field, after `expected`
 * (what the file should look like), instead of throwing.
 */
export function parseTestFile<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  expected: string,
): { value?: z.output<S>; problem?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problem: `tests/${file} is not valid JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { value: parsed.data };
  const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return { problem: `tests/${file} ${expected} (${where})` };
}

/** Parses one `tests/*.json` run case; returns a readable problem instead of throwing. */
export function parseCase(text: string, file: string): { testCase?: SkillCase; problem?: string } {
  const expected = 'needs at least { "input": ..., "expect": { "status": "succeeded" } }';
  const { value, problem } = parseTestFile(text, file, SkillCaseSchema, expected);
  if (!value) return { problem };
  return { testCase: { ...value, name: value.name ?? file.replace(/\.json$/, '') } };
}

/** The case's files as bytes; `{path}` entries are read through `readTestFile` (relative to tests/). */
export function resolveCaseFiles(
  testCase: SkillCase,
  readTestFile: (path: string) => Uint8Array | undefined,
): { files: Map<string, Uint8Array>; problem?: string } {
  const files = new Map<string, Uint8Array>();
  for (const [name, spec] of Object.entries(testCase.files ?? {})) {
    if ('text' in spec) files.set(name, new TextEncoder().encode(spec.text));
    else if ('base64' in spec) files.set(name, new Uint8Array(Buffer.from(spec.base64, 'base64')));
    else {
      const data = readTestFile(spec.path);
      if (!data) return { files, problem: `${testCase.name}: file ${spec.path} not found under tests/` };
      files.set(name, data);
    }
  }
  return { files };
}

/**
 * Deep-partial match: every key of an expected object must match; an expected array matches an actual array of
 * at least its length, element by element; other values must be equal.
 */
export function matchesPartial(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length >= expected.length &&
      expected.every((item, i) => matchesPartial(actual[i], item))
    );
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([key, value]) =>
      matchesPartial((actual as Record<string, unknown>)[key], value),
    );
  }
  return Object.is(actual, expected);
}

const short = (value: unknown) => {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

function describeError(error: CaseOutcome['error']): string {
  if (!error) return '';
  const fields = error.errors?.length ? `: ${error.errors.map((e) => `${e.field} ${e.message}`).join(', ')}` : '';
  return ` (${error.type}: ${error.message}${fields})`;
}

/** Every way `outcome` misses the case's expectations; empty when it passes. */
export function checkOutcome(testCase: SkillCase, outcome: CaseOutcome): string[] {
  const { expect } = testCase;
  if (outcome.status !== expect.status) {
    return [`status ${outcome.status}${describeError(outcome.error)}, expected ${expect.status}`];
  }
  const problems: string[] = [];
  // Outputs travel as JSON; compare them as JSON values (key order and undefined members do not count).
  const output = outcome.output === undefined ? undefined : JSON.parse(JSON.stringify(outcome.output));
  if (expect.output !== undefined && !isDeepStrictEqual(output, expect.output)) {
    problems.push(`output ${short(outcome.output)} is not ${short(expect.output)}`);
  }
  if (expect.output_contains !== undefined && !matchesPartial(outcome.output, expect.output_contains)) {
    problems.push(`output ${short(outcome.output)} does not contain ${short(expect.output_contains)}`);
  }
  if (expect.error_type !== undefined && outcome.error?.type !== expect.error_type) {
    problems.push(`error type ${outcome.error?.type ?? 'none'}, expected ${expect.error_type}`);
  }
  if (expect.error_message_contains !== undefined && !outcome.error?.message.includes(expect.error_message_contains)) {
    problems.push(`error message "${outcome.error?.message ?? ''}" lacks "${expect.error_message_contains}"`);
  }
  for (const wanted of expect.artifacts ?? []) {
    const artifact = outcome.artifacts.find((a) => a.name === wanted.name);
    if (!artifact) problems.push(`no artifact "${wanted.name}"`);
    else {
      if (wanted.mimeType && artifact.mimeType !== wanted.mimeType) {
        problems.push(`artifact ${wanted.name} is ${artifact.mimeType}, expected ${wanted.mimeType}`);
      }
      if (wanted.min_size !== undefined && artifact.size < wanted.min_size) {
        problems.push(`artifact ${wanted.name} has ${artifact.size} bytes, expected at least ${wanted.min_size}`);
      }
    }
  }
  return problems;
}

/** The cases of one skill and where their `{path}` files come from (a folder on disk, or a stored version). */
export interface CaseSuite {
  cases: { file: string; testCase: SkillCase }[];
  readTestFile(path: string): Uint8Array | undefined;
}

/** How a case is executed: in the local sandbox, through the API, on the server, or in-process in tests. */
export interface CaseExecutor<R extends CaseOutcome> {
  /** Why the case cannot run here (e.g. a skill it requires is missing); undefined when it can. */
  skip?(testCase: SkillCase): string | undefined | Promise<string | undefined>;
  /** Runs the case; `durationMs` and `runId` on the result, when given, are reported. */
  execute(testCase: SkillCase, files: Map<string, Uint8Array>): Promise<R & { durationMs?: number; runId?: string }>;
}

export interface CaseReport<R> {
  file: string;
  name: string;
  outcome: 'passed' | 'failed' | 'skipped';
  problems: string[];
  note?: string;
  durationMs?: number;
  runId?: string;
  /** The executor's result (absent when the case was skipped or its files could not be read). */
  result?: R;
}

/** Runs one case of `suite` and checks its outcome. */
export async function runCase<R extends CaseOutcome>(
  suite: Pick<CaseSuite, 'readTestFile'>,
  { file, testCase }: CaseSuite['cases'][number],
  executor: CaseExecutor<R>,
): Promise<CaseReport<R>> {
  const base = { file, name: testCase.name };
  const note = await executor.skip?.(testCase);
  if (note) return { ...base, outcome: 'skipped', problems: [], note };
  const { files, problem } = resolveCaseFiles(testCase, (path) => suite.readTestFile(path));
  if (problem) return { ...base, outcome: 'failed', problems: [problem] };
  const started = performance.now();
  const result = await executor.execute(testCase, files);
  const problems = checkOutcome(testCase, result);
  return {
    ...base,
    outcome: problems.length ? 'failed' : 'passed',
    problems,
    durationMs: result.durationMs ?? Math.round(performance.now() - started),
    runId: result.runId,
    result,
  };
}

/** Runs every case of `suite` one after the other; `onCase` hears of each as it finishes. */
export async function runCases<R extends CaseOutcome>(
  suite: CaseSuite,
  executor: CaseExecutor<R>,
  onCase: (report: CaseReport<R>) => void = () => {},
): Promise<CaseReport<R>[]> {
  const reports: CaseReport<R>[] = [];
  for (const testCase of suite.cases) {
    const report = await runCase(suite, testCase, executor);
    reports.push(report);
    onCase(report);
  }
  return reports;
}
