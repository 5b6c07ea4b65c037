/**
 * Test cases of a skill bundle folder on disk; parsing and checking are shared with the server
 * (`src/skills/test-cases.ts`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IoField } from '../skills/manifest.ts';
import { parseCase, resolveCaseFiles, type SkillCase } from '../skills/test-cases.ts';
import { CliError } from './output.ts';

export {
  type CaseFileSpec,
  type CaseOutcome,
  checkOutcome,
  matchesPartial,
  type SkillCase,
} from '../skills/test-cases.ts';

export function listCases(dir: string): { file: string; testCase: SkillCase }[] {
  const testsDir = join(dir, 'tests');
  if (!existsSync(testsDir)) return [];
  return readdirSync(testsDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const { testCase, problem } = parseCase(readFileSync(join(testsDir, file), 'utf8'), file);
      if (!testCase) throw new CliError(problem ?? `tests/${file} is not a test case`);
      return { file, testCase };
    });
}

/** The case's files as bytes; `{path}` is relative to the bundle's tests/ folder. */
export function caseFiles(dir: string, testCase: SkillCase): Map<string, Uint8Array> {
  const { files, problem } = resolveCaseFiles(testCase, (path) => {
    const full = join(dir, 'tests', path);
    return existsSync(full) ? new Uint8Array(readFileSync(full)) : undefined;
  });
  if (problem) throw new CliError(problem);
  return files;
}

/** Mirrors the server's check of an input against the declared inputs (required fields and JSON types). */
export function checkInput(inputs: IoField[] | undefined, input: unknown): string | undefined {
  if (!inputs?.length) return undefined;
  const record = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  for (const field of inputs) {
    const value = record[field.name];
    if (value === undefined) {
      if (field.required) return `input "${field.name}" is required`;
      continue;
    }
    const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    const expected = field.type === 'file' ? 'string' : field.type;
    if (actual !== expected) return `input "${field.name}" must be ${field.type}, got ${actual}`;
  }
  return undefined;
}
