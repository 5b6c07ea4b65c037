/**
 * The tests of a skill bundle folder on disk: its run cases as a suite for the one case runner
 * (`src/skills/test-cases.ts`) and its trigger requests (`tests/triggers.json`, `src/skills/trigger-tests.ts`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CaseSuite, parseCase } from '../skills/test-cases.ts';
import { parseTriggers, TRIGGERS_FILE, type TriggerSuite } from '../skills/trigger-tests.ts';
import { CliError } from './output.ts';

/** Reads `dir/tests/*.json` (but triggers.json) in name order; a file that is not a case stops with its problem. */
export function readCaseSuite(dir: string): CaseSuite {
  const testsDir = join(dir, 'tests');
  const files = existsSync(testsDir)
    ? readdirSync(testsDir).filter((file) => file.endsWith('.json') && file !== TRIGGERS_FILE)
    : [];
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

/** `dir/tests/triggers.json`, when there is one; a file that is not a trigger suite stops with its problem. */
export function readTriggerSuite(dir: string): TriggerSuite | undefined {
  const file = join(dir, 'tests', TRIGGERS_FILE);
  if (!existsSync(file)) return undefined;
  const { suite, problem } = parseTriggers(readFileSync(file, 'utf8'));
  if (!suite) throw new CliError(problem ?? `tests/${TRIGGERS_FILE} is not a trigger suite`);
  return suite;
}
