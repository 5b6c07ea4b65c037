/**
 * A skill's test cases (`tests/*.json`) and how a run is checked against one. The same cases run locally
 * (`open-skills test`), from the CLI against a server (`open-skills publish`) and on the server before a version is
 * published (`POST /skill-versions/{id}/publish?require_tests=true`).
 */
import { isDeepStrictEqual } from 'node:util';

export type CaseFileSpec = { text: string } | { base64: string } | { path: string };

export interface SkillCase {
  name: string;
  input: unknown;
  files?: Record<string, CaseFileSpec>;
  /** Skills the case calls through ctx.callSkill. */
  requires?: string[];
  expect: {
    status: 'succeeded' | 'failed' | 'timed_out';
    output?: unknown;
    output_contains?: unknown;
    error_type?: string;
    error_message_contains?: string;
    artifacts?: { name: string; mimeType?: string; min_size?: number }[];
  };
}

/** A run outcome, from the local sandbox or the server, reduced to what cases check. */
export interface CaseOutcome {
  status: string;
  output?: unknown;
  error?: { type: string; message: string } | null;
  artifacts: { name: string; mimeType: string; size: number }[];
}

/** Parses one `tests/*.json` file; returns a readable problem instead of throwing. */
export function parseCase(text: string, file: string): { testCase?: SkillCase; problem?: string } {
  let testCase: SkillCase;
  try {
    testCase = JSON.parse(text) as SkillCase;
  } catch (error) {
    return { problem: `tests/${file} is not valid JSON: ${(error as Error).message}` };
  }
  if (typeof testCase !== 'object' || !testCase?.expect?.status) {
    return { problem: `tests/${file} needs at least { "input": ..., "expect": { "status": "succeeded" } }` };
  }
  return { testCase: { ...testCase, name: testCase.name ?? file.replace(/\.json$/, '') } };
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

/** Every way `outcome` misses the case's expectations; empty when it passes. */
export function checkOutcome(testCase: SkillCase, outcome: CaseOutcome): string[] {
  const { expect } = testCase;
  const problems: string[] = [];
  if (outcome.status !== expect.status) {
    const why = outcome.error ? ` (${outcome.error.type}: ${outcome.error.message})` : '';
    problems.push(`status ${outcome.status}${why}, expected ${expect.status}`);
    return problems;
  }
  if (expect.output !== undefined && !isDeepStrictEqual(outcome.output, expect.output)) {
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
