/**
 * A version's own `tests/*.json` cases run on the server (the PRD's "eval suite before publish"), and publishing
 * that requires them to pass.
 */
import { posix } from 'node:path';
import { type Caller, requireRole } from '../auth/caller.ts';
import { AppError, type FieldError } from '../errors.ts';
import type { Registry } from '../skills/registry.ts';
import type { SkillVersionDto } from '../skills/schemas.ts';
import { type CaseExecutor, type CaseOutcome, type CaseSuite, parseCase, runCases } from '../skills/test-cases.ts';
import type { RunService } from './service.ts';

export interface VersionTestReport {
  total: number;
  passed: number;
  /** One entry per failed case: `tests/<file>` and what went wrong, with the run id to look at. */
  failures: FieldError[];
}

/** The cases among a stored version's files; files that are not cases come back as failures. */
function storedSuite(files: { path: string; content: Uint8Array }[]): { suite: CaseSuite; failures: FieldError[] } {
  const byPath = new Map(files.map((f) => [f.path, f.content]));
  const failures: FieldError[] = [];
  const cases: CaseSuite['cases'] = [];
  for (const file of files.filter((f) => /^tests\/[^/]+\.json$/.test(f.path))) {
    const name = file.path.slice('tests/'.length);
    const { testCase, problem } = parseCase(new TextDecoder().decode(file.content), name);
    if (testCase) cases.push({ file: name, testCase });
    else failures.push({ field: file.path, message: problem ?? 'not a test case' });
  }
  const readTestFile = (path: string) => {
    const full = posix.normalize(posix.join('tests', path));
    return full.startsWith('tests/') ? byPath.get(full) : undefined;
  };
  return { suite: { cases, readTestFile }, failures };
}

/**
 * Runs a version's cases, each as a real run of exactly that version. Composition cases run too: `ctx.callSkill`
 * works here.
 */
export async function runVersionTests(
  deps: { registry: Registry; runs: RunService },
  caller: Caller,
  versionId: string,
): Promise<VersionTestReport> {
  const { version, files } = await deps.registry.readAllFiles(caller, versionId);
  const { suite, failures } = storedSuite(files);
  const onServer: CaseExecutor<CaseOutcome> = {
    async execute(testCase, caseFiles) {
      const { run } = await deps.runs.start(
        caller,
        { skill: version.skill_id, version: version.version, input: testCase.input ?? {}, async: false },
        caseFiles,
      );
      const artifacts = run.artifacts.map((a) => ({ name: a.name, mimeType: a.mime_type, size: a.size }));
      return { status: run.status, output: run.output, error: run.error, artifacts, runId: run.id };
    },
  };
  const total = suite.cases.length + failures.length;
  const reports = await runCases(suite, onServer);
  for (const report of reports.filter((r) => r.outcome === 'failed')) {
    const run = report.runId ? ` (run ${report.runId})` : '';
    failures.push({ field: `tests/${report.file}`, message: `${report.name}: ${report.problems.join('; ')}${run}` });
  }
  // In file order, as the cases are listed.
  failures.sort((a, b) => (a.field < b.field ? -1 : 1));
  return { total, passed: reports.filter((r) => r.outcome === 'passed').length, failures };
}

/**
 * Publishes a draft version; with `requireTests`, only after its own cases pass on the server (role publisher).
 * Without it this is the registry's plain status change.
 */
export function createVersionPublisher(deps: { registry: Registry; runs: () => RunService }) {
  return {
    async publish(caller: Caller, versionId: string, options: { requireTests: boolean }): Promise<SkillVersionDto> {
      const { registry } = deps;
      if (options.requireTests) {
        const version = await registry.findVersion(caller, versionId);
        requireRole(caller, 'publisher', 'publish versions');
        if (version.status !== 'draft') {
          throw new AppError(
            'conflict',
            `Version ${version.version} is ${version.status}; only a draft version can be published`,
          );
        }
        const report = await runVersionTests({ registry, runs: deps.runs() }, caller, versionId);
        const label = `${version.name} ${version.version}`;
        if (report.total === 0) throw new AppError('unprocessable', `${label} has no tests/*.json cases to require`);
        if (report.failures.length > 0) {
          throw new AppError(
            'unprocessable',
            `${report.failures.length} of ${report.total} test cases failed; ${label} stays a draft`,
            { errors: report.failures },
          );
        }
      }
      return registry.setStatus(caller, versionId, 'published');
    },
  };
}

export type VersionPublisher = ReturnType<typeof createVersionPublisher>;
