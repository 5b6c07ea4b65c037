import { posix } from 'node:path';
import type { Caller } from '../auth/caller.ts';
import type { FieldError } from '../errors.ts';
import type { Registry } from '../skills/registry.ts';
import { checkOutcome, parseCase, resolveCaseFiles } from '../skills/test-cases.ts';
import type { RunService } from './service.ts';

export interface VersionTestReport {
  total: number;
  passed: number;
  /** One entry per failed case: `tests/<file>` and what went wrong, with the run id to look at. */
  failures: FieldError[];
}

/**
 * Runs a version's own `tests/*.json` cases on the server, each as a real run of exactly that version (the PRD's
 * "eval suite before publish"). Composition cases run too: `ctx.callSkill` works here.
 */
export async function runVersionTests(
  deps: { registry: Registry; runs: RunService },
  caller: Caller,
  versionId: string,
): Promise<VersionTestReport> {
  const { version, files } = await deps.registry.readAllFiles(caller, versionId);
  const byPath = new Map(files.map((f) => [f.path, f.content]));
  const caseFiles = files.filter((f) => /^tests\/[^/]+\.json$/.test(f.path));
  const failures: FieldError[] = [];
  let passed = 0;
  for (const file of caseFiles) {
    const field = file.path;
    const { testCase, problem } = parseCase(new TextDecoder().decode(file.content), file.path.slice('tests/'.length));
    if (!testCase) {
      failures.push({ field, message: problem ?? 'not a test case' });
      continue;
    }
    const resolved = resolveCaseFiles(testCase, (path) => {
      const full = posix.normalize(posix.join('tests', path));
      return full.startsWith('tests/') ? byPath.get(full) : undefined;
    });
    if (resolved.problem) {
      failures.push({ field, message: resolved.problem });
      continue;
    }
    const { run } = await deps.runs.start(
      caller,
      { skill: version.skill_id, version: version.version, input: testCase.input ?? {}, async: false },
      resolved.files,
    );
    const problems = checkOutcome(testCase, {
      status: run.status,
      output: run.output,
      error: run.error,
      artifacts: run.artifacts.map((a) => ({ name: a.name, mimeType: a.mime_type, size: a.size })),
    });
    if (problems.length === 0) passed++;
    else failures.push({ field, message: `${testCase.name}: ${problems.join('; ')} (run ${run.id})` });
  }
  return { total: caseFiles.length, passed, failures };
}
