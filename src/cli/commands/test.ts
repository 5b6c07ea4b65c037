import type { CaseReport } from '../../skills/test-cases.ts';
import { COMMON_OPTIONS, parse, positionals } from '../args.ts';
import { readCaseSuite } from '../cases.ts';
import { loadLocalSkill, runLocalCases } from '../local-runner.ts';
import { CliError, EXIT, type Io, spinner, table } from '../output.ts';

const mark = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' } as const;

export function caseLine(result: Pick<CaseReport<unknown>, 'outcome' | 'name' | 'durationMs' | 'problems' | 'note'>) {
  const detail = result.outcome === 'skipped' ? `  (${result.note})` : '';
  const problems = result.problems.map((p) => `       ${p}\n`).join('');
  return `${mark[result.outcome]}  ${result.name} ${result.durationMs === undefined ? '' : `(${result.durationMs} ms)`}${detail}\n${problems}`;
}

/** `open-skills test <dir>`: runs tests/*.json in the local sandbox; exit 1 when a case fails. */
export async function test(args: string[], io: Io): Promise<number> {
  const { values, positionals: rest } = parse('test', args, COMMON_OPTIONS);
  const [dir] = positionals('test', rest, ['dir']) as [string];
  const suite = readCaseSuite(dir);
  if (suite.cases.length === 0) throw new CliError(`${dir}/tests has no *.json cases; see "open-skills init" for one`);
  const skill = await loadLocalSkill(dir);
  if (!values.json && skill.bundled.length) io.err(`Bundled ${skill.bundled.join(', ')} into the entrypoint\n`);
  const progress = spinner(io, `running ${suite.cases.length} cases…`);
  const results = await runLocalCases(dir, skill, suite, (result) => {
    progress.stop();
    if (!values.json) io.out(caseLine(result));
  });
  progress.stop();
  const count = (outcome: CaseReport<unknown>['outcome']) => results.filter((r) => r.outcome === outcome).length;
  const summary = { passed: count('passed'), failed: count('failed'), skipped: count('skipped') };
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
      })}\n`,
    );
  } else {
    io.out(`\n${table([[`${summary.passed} passed`, `${summary.failed} failed`, `${summary.skipped} skipped`]])}`);
  }
  return summary.failed > 0 ? EXIT.failure : EXIT.ok;
}
