/**
 * The test cases of a skill bundle folder on disk, as a suite for the one case runner (`src/skills/test-cases.ts`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CaseSuite, parseCase } from '../skills/test-cases.ts';
import { CliError } from './output.ts';

/** Reads `dir/tests/*.json` in name order; a file that is not a case stops with its problem. */
export function readCaseSuite(dir: string): CaseSuite {
  const testsDir = join(dir, 'tests');
  const files = existsSync(testsDir) ? readdirSync(testsDir).filter((file) => file.endsWith('.json')) : [];
  const cases = files.sort().map((file) => {
    const { testCase, problem } = parseCase(readFileSync(join(testsDir, file), 'utf8'), file);
    if (!testCase) throw new CliError(problem ?? `tests/${file} is not a test case`);
    return { file, testCase };
  });
  return {
    cases,
    readTestFile(path) {
      const full = join(testsDir, path);
      return existsSync(full) ? new Uint8Array(readFileSync(full)) : undefined;
    },
  };
}
