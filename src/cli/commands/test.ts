import type { SkillManifest } from '../../skills/manifest.ts';
import type { CaseReport } from '../../skills/test-cases.ts';
import { describeTriggers, TRIGGERS_FILE, type TriggerReport, type TriggerSuite } from '../../skills/trigger-tests.ts';
import { COMMON_OPTIONS, parse, positionals, SERVER_OPTIONS } from '../args.ts';
import { readCaseSuite, readTriggerSuite } from '../cases.ts';
import { type Client, createClient } from '../client.ts';
import { type LocalCaseResult, loadLocalSkill, runLocalCases } from '../local-runner.ts';
import { CliError, EXIT, type Io, spinner, table } from '../output.ts';
import { resolveSettings } from '../settings.ts';

const mark = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' } as const;

export function caseLine(result: Pick<CaseReport<unknown>, 'outcome' | 'name' | 'durationMs' | 'problems' | 'note'>) {
  const detail = result.outcome === 'skipped' ? `  (${result.note})` : '';
  const problems = result.problems.map((p) => `       ${p}\n`).join('');
  return `${mark[result.outcome]}  ${result.name} ${result.durationMs === undefined ? '' : `(${result.durationMs} ms)`}${detail}\n${problems}`;
}

/** The trigger requests as the CLI prints them, one per line. */
export function triggerLines(report: TriggerReport): string {
  const expectation = { trigger: 'should trigger    ', no_trigger: 'should not trigger' };
  return report.cases
    .map((c) => {
      const rank = c.rank === null ? 'not ranked' : `rank ${c.rank}`;
      return `${c.passed ? 'PASS' : 'FAIL'}  ${expectation[c.expect]}  ${rank.padEnd(10)}  "${c.query}"\n`;
    })
    .join('');
}

export type TriggerOutcome = { report: TriggerReport; note?: string } | { skipped: string };

/**
 * Checks `suite` against the router of the configured server, for the skill as the server has it (its newest
 * version, drafts included). Skipped, not failed, when the server is unreachable or does not have the skill.
 */
export async function checkTriggers(
  client: Client,
  manifest: SkillManifest,
  suite: TriggerSuite,
): Promise<TriggerOutcome> {
  const { url } = client.settings;
  try {
    const params = { path: { id: manifest.name } };
    const stored = await client.find(client.api.GET('/skills/{id}', { params }));
    if (!stored) {
      return { skipped: `${manifest.name} is not on ${url}; publish it (a draft will do) to check its triggers there` };
    }
    const report = await client.ok(client.api.POST('/skills/{id}/triggers', { params, body: { suite } }));
    const note =
      stored.description.trim() === manifest.description.trim()
        ? undefined
        : `the description on ${url} differs from SKILL.md here; the router ranked the stored one (publish to test yours)`;
    return { report, note };
  } catch (error) {
    if (error instanceof CliError && error.exitCode === EXIT.server) return { skipped: error.message };
    throw error;
  }
}

function printTriggers(io: Io, url: string, outcome: TriggerOutcome) {
  if ('skipped' in outcome) {
    io.out(`\nTriggers (tests/${TRIGGERS_FILE}): SKIPPED — ${outcome.skipped}\n`);
    return;
  }
  io.out(`\nTriggers (tests/${TRIGGERS_FILE}) against the router of ${url}:\n${triggerLines(outcome.report)}`);
  if (outcome.note) io.out(`Note: ${outcome.note}\n`);
}

/**
 * `open-skills test <dir>`: runs tests/*.json in the local sandbox and checks tests/triggers.json against the
 * server's router; exit 1 when a case fails or the triggers miss their threshold, 0 when there is nothing to test.
 */
export async function test(args: string[], io: Io): Promise<number> {
  const { values, positionals: rest } = parse('test', args, { ...COMMON_OPTIONS, ...SERVER_OPTIONS });
  const [dir] = positionals('test', rest, ['dir']) as [string];
  const suite = readCaseSuite(dir);
  const triggers = readTriggerSuite(dir);
  if (suite.cases.length === 0 && !triggers) {
    const message = `Nothing to test: ${dir}/tests has no run cases (*.json) and no ${TRIGGERS_FILE}; see "open-skills init" for both`;
    io.out(values.json ? `${JSON.stringify({ nothing_to_test: true, message })}\n` : `${message}\n`);
    return EXIT.ok;
  }
  const skill = await loadLocalSkill(dir);
  if (suite.cases.length > 0 && !skill.entrypoint) {
    throw new CliError(`${dir} has run cases in tests/ but SKILL.md has no entrypoint to run them with`);
  }
  if (!values.json && skill.bundled.length) io.err(`Bundled ${skill.bundled.join(', ')} into the entrypoint\n`);
  let results: CaseReport<LocalCaseResult>[] = [];
  if (suite.cases.length > 0) {
    const progress = spinner(io, `running ${suite.cases.length} cases…`);
    results = await runLocalCases(dir, skill, suite, (result) => {
      progress.stop();
      if (!values.json) io.out(caseLine(result));
    });
    progress.stop();
  }
  const client = createClient(resolveSettings(values));
  const outcome = triggers ? await checkTriggers(client, skill.bundle.manifest, triggers) : undefined;
  if (outcome && !values.json) printTriggers(io, client.settings.url, outcome);

  const count = (o: CaseReport<unknown>['outcome']) => results.filter((r) => r.outcome === o).length;
  const summary = { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
  const triggersFailed = outcome !== undefined && 'report' in outcome && !outcome.report.ok;
  if (values.json) {
    io.out(
      `${JSON.stringify({
        skill: skill.bundle.manifest.name,
        ...summary,
        cases: results.map(({ result, runId: _runId, ...r }) => ({
          ...r,
          durationMs: r.durationMs ?? 0,
          status: result?.status,
          output: result?.output,
          error: result?.error,
          logs: result?.logs,
          artifacts: (result?.artifacts ?? []).map(({ data: _data, ...a }) => a),
        })),
        triggers: outcome,
      })}\n`,
    );
  } else {
    const rows = [];
    if (results.length) {
      rows.push(['run cases', `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`]);
    }
    if (outcome && 'report' in outcome) {
      rows.push(['triggers', `${describeTriggers(outcome.report)}: ${outcome.report.ok ? 'PASS' : 'FAIL'}`]);
    } else if (outcome) rows.push(['triggers', 'skipped']);
    io.out(`\n${table(rows)}`);
  }
  return summary.failed > 0 || triggersFailed ? EXIT.failure : EXIT.ok;
}
