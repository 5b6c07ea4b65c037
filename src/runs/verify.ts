/**
 * A version's own tests on the server (the PRD's "eval suite before publish"): its `tests/*.json` run cases, each a
 * real run, and its `tests/triggers.json` requests, checked against the router; and publishing that requires them
 * to pass.
 */
import { posix } from 'node:path';
import { type Caller, requireRole } from '../auth/caller.ts';
import { AppError, type FieldError } from '../errors.ts';
import type { SearchService } from '../router/search.ts';
import type { Registry } from '../skills/registry.ts';
import type { SkillVersionDto } from '../skills/schemas.ts';
import { type CaseExecutor, type CaseOutcome, type CaseSuite, parseCase, runCases } from '../skills/test-cases.ts';
import {
  describeTriggers,
  evaluateTriggers,
  parseTriggers,
  TRIGGERS_FILE,
  type TriggerReport,
  type TriggerSuite,
  triggerFailures,
} from '../skills/trigger-tests.ts';
import type { RunService } from './service.ts';

export interface VersionTestReport {
  total: number;
  passed: number;
  /** One entry per failed case: `tests/<file>` and what went wrong, with the run id to look at. */
  failures: FieldError[];
}

const TRIGGERS_PATH = `tests/${TRIGGERS_FILE}`;

/** The run cases among a stored version's files; files that are not cases come back as failures. */
function storedSuite(files: { path: string; content: Uint8Array }[]): { suite: CaseSuite; failures: FieldError[] } {
  const byPath = new Map(files.map((f) => [f.path, f.content]));
  const failures: FieldError[] = [];
  const cases: CaseSuite['cases'] = [];
  for (const file of files.filter((f) => /^tests\/[^/]+\.json$/.test(f.path) && f.path !== TRIGGERS_PATH)) {
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

/** What trigger tests need: the router, and a way to wait until fresh uploads are indexed. */
export interface TriggerDeps {
  registry: Registry;
  search: Pick<SearchService, 'search'>;
  /** Resolves when the background indexer has embedded what was stored (so a fresh draft ranks fully). */
  indexed?: () => Promise<void>;
}

/**
 * Checks trigger requests against the router for skill `skillRef`: `suite` when given, else the
 * `tests/triggers.json` of version `versionRef` (default the latest published). Skills rank by their newest
 * version, drafts included, so a draft is tested before it is published.
 */
export async function runTriggerTests(
  deps: TriggerDeps,
  caller: Caller,
  skillRef: string,
  options: { suite?: TriggerSuite; versionRef?: string },
): Promise<TriggerReport & { version: string | null }> {
  let suite = options.suite;
  let version: string | null = null;
  const skill = await deps.registry.findSkill(caller, skillRef);
  if (!suite) {
    const { versionId } = await deps.registry.resolveVersion(caller, skill.id, options.versionRef);
    const { version: row, file } = await deps.registry
      .readFile(caller, versionId, TRIGGERS_PATH)
      .catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'not_found') {
          throw new AppError('unprocessable', `${skill.name} has no ${TRIGGERS_PATH}; send the requests as "suite"`);
        }
        throw error;
      });
    const parsed = parseTriggers(new TextDecoder().decode(file.content));
    if (!parsed.suite) throw new AppError('unprocessable', parsed.problem ?? 'not a trigger suite');
    suite = parsed.suite;
    version = row.version;
  }
  await deps.indexed?.();
  const rank = async (query: string, topK: number) => {
    const { results } = await deps.search.search(caller, { query, topK, includeDrafts: true, explain: true });
    return results.map((hit) => ({
      name: hit.skill.name,
      confidence: hit.confidence,
      matched: [...new Set([...(hit.explain.matched_terms?.fields ?? []), ...(hit.explain.matched_terms?.body ?? [])])],
    }));
  };
  return { ...(await evaluateTriggers(skill.name, suite, rank)), version };
}

/** The trigger tests of a stored version as a failure (undefined when they pass or there are none). */
async function versionTriggerFailure(
  deps: TriggerDeps,
  caller: Caller,
  version: { skill_id: string; version: string },
  files: { path: string; content: Uint8Array }[],
): Promise<{ present: boolean; failure?: FieldError }> {
  const file = files.find((f) => f.path === TRIGGERS_PATH);
  if (!file) return { present: false };
  const parsed = parseTriggers(new TextDecoder().decode(file.content));
  if (!parsed.suite) return { present: true, failure: { field: TRIGGERS_PATH, message: parsed.problem ?? '' } };
  const report = await runTriggerTests(deps, caller, version.skill_id, { suite: parsed.suite });
  if (report.ok) return { present: true };
  const message = `${describeTriggers(report)}: ${triggerFailures(report).join('; ')}`;
  return { present: true, failure: { field: TRIGGERS_PATH, message } };
}

/**
 * Publishes a draft version; with `requireTests`, only after its own run cases pass on the server and its trigger
 * requests meet their threshold (role publisher). Without it this is the registry's plain status change.
 */
export function createVersionPublisher(
  deps: { registry: Registry; runs: () => RunService } & Omit<TriggerDeps, 'registry'>,
) {
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
        const { files } = await registry.readAllFiles(caller, versionId);
        // The trigger requests count as one case: they pass together, by their threshold.
        const triggers = await versionTriggerFailure(deps, caller, version, files);
        const label = `${version.name} ${version.version}`;
        if (report.total === 0 && !triggers.present) {
          throw new AppError('unprocessable', `${label} has no tests/*.json cases or ${TRIGGERS_PATH} to require`);
        }
        const failures = [...report.failures, ...(triggers.failure ? [triggers.failure] : [])];
        if (failures.length > 0) {
          const total = report.total + (triggers.present ? 1 : 0);
          throw new AppError(
            'unprocessable',
            `${failures.length} of ${total} test cases failed; ${label} stays a draft`,
            {
              errors: failures,
            },
          );
        }
      }
      return registry.setStatus(caller, versionId, 'published');
    },
  };
}

export type VersionPublisher = ReturnType<typeof createVersionPublisher>;
