import { packSkillDir } from '../../skills/pack.ts';
import { type CaseExecutor, type CaseOutcome, type CaseReport, runCases } from '../../skills/test-cases.ts';
import { describeTriggers, TRIGGERS_FILE } from '../../skills/trigger-tests.ts';
import { COMMON_OPTIONS, parse, positionals, SERVER_OPTIONS } from '../args.ts';
import { readCaseSuite, readTriggerSuite } from '../cases.ts';
import { type Client, createClient, multipartUpload } from '../client.ts';
import { CliError, EXIT, formatBytes, formatFieldErrors, type Io, spinner, table } from '../output.ts';
import { runOnServer } from '../server-run.ts';
import { resolveSettings } from '../settings.ts';
import { triggerLines } from './test.ts';
import { validateDir } from './validate.ts';

/** Executes cases as runs of exactly the uploaded version; a case that needs a skill the server lacks is skipped. */
function onServer(client: Client, skill: string, version: string): CaseExecutor<CaseOutcome> {
  return {
    async skip(testCase) {
      for (const required of testCase.requires ?? []) {
        const found = await client.find(client.api.GET('/skills/{id}', { params: { path: { id: required } } }));
        if (!found) return `needs skill "${required}", which this server does not have`;
      }
      return undefined;
    },
    async execute(testCase, files) {
      const run = await runOnServer(client, { skill, version, input: testCase.input ?? {}, files });
      const artifacts = run.artifacts.map((a) => ({ name: a.name, size: a.size, mimeType: a.mime_type }));
      return {
        status: run.status,
        output: run.output,
        error: run.error,
        artifacts,
        runId: run.id,
        durationMs: run.duration_ms ?? undefined,
      };
    },
  };
}

/** One case as `--json` prints it. */
const caseJson = (r: CaseReport<CaseOutcome>) => ({
  file: r.file,
  name: r.name,
  outcome: r.outcome,
  run_id: r.runId,
  duration_ms: r.durationMs,
  problems: r.problems,
  note: r.note,
});

type Packed = Awaited<ReturnType<typeof packSkillDir>>;

/** Uploads the packed bundle as a draft: a new version of `name`, or a new skill when the server has none. */
async function uploadDraft(client: Client, io: Io, name: string, packed: Packed, version?: string) {
  const existing = await client.find(client.api.GET('/skills/{id}', { params: { path: { id: name } } }));
  const zip = new File([packed.zip], `${packed.folder}.zip`, { type: 'application/zip' });
  const body = { bundle: zip, publish: 'false' as const, ...(version ? { version } : {}) };
  const progress = spinner(io, 'uploading…');
  const upload = {
    body,
    ...multipartUpload(body, (sent, total) =>
      progress.update(`uploading ${name} ${formatBytes(sent)} / ${formatBytes(total)}`),
    ),
  };
  const result = await client
    .ok(
      existing
        ? client.api.POST('/skills/{id}/versions', { params: { path: { id: name } }, ...upload })
        : client.api.POST('/skills', upload),
    )
    .finally(() => progress.stop());
  if (!('version' in result)) throw new CliError('The server stored no version for the upload', EXIT.server);
  return result;
}

/** Prints the cases as a table, then what failed. */
function printCases(io: Io, results: CaseReport<CaseOutcome>[]) {
  io.out(
    table([
      ['CASE', 'RESULT', 'TIME', 'RUN'],
      ...results.map((r) => [
        r.name,
        r.outcome.toUpperCase(),
        r.durationMs === undefined ? '' : `${r.durationMs} ms`,
        r.runId ?? r.note ?? '',
      ]),
    ]),
  );
  for (const r of results.filter((c) => c.outcome === 'failed')) {
    io.out(`\n${r.name}:\n${r.problems.map((p) => `  ${p}\n`).join('')}`);
  }
}

/**
 * `open-skills publish <dir> [--no-tests] [--version v] [--bundle-deps]`: uploads the bundle as a draft version
 * (creating the skill when missing), runs tests/*.json on the server against that exact version, and publishes
 * it only when every case passes.
 */
export async function publish(args: string[], io: Io): Promise<number> {
  const { values, positionals: rest } = parse('publish', args, {
    ...COMMON_OPTIONS,
    ...SERVER_OPTIONS,
    'no-tests': { type: 'boolean', default: false },
    'bundle-deps': { type: 'boolean', default: false },
    version: { type: 'string' },
  });
  const [dir] = positionals('publish', rest, ['dir']) as [string];
  const report = await validateDir(dir);
  if (!report.valid) throw new CliError(`${dir} is not a valid bundle: ${report.detail}`, EXIT.failure, report.errors);
  const name = report.name!;
  const packed = await packSkillDir(dir, { bundleDeps: values['bundle-deps'] ? true : 'auto' });
  if (!values.json && packed.bundled.length) io.err(`Bundled ${packed.bundled.join(', ')} into ${packed.entrypoint}\n`);
  const suite = values['no-tests'] ? { cases: [], readTestFile: () => undefined } : readCaseSuite(dir);
  const triggerSuite = values['no-tests'] ? undefined : readTriggerSuite(dir);

  const client = createClient(resolveSettings(values));
  if (suite.cases.length > 0 && !(await client.canRun())) {
    throw new CliError(
      `${client.settings.url} cannot run skills (no /runs route), so the tests cannot run there; use --no-tests`,
    );
  }
  const uploaded = await uploadDraft(client, io, name, packed, values.version);
  const label = `${name} ${uploaded.version.version}`;
  if (uploaded.outcome === 'unchanged' && uploaded.version.status !== 'draft') {
    // The same content is already stored: nothing to upload, test or publish.
    if (values.json) {
      const { version } = uploaded;
      io.out(
        `${JSON.stringify({ skill: name, version: version.version, version_id: version.id, published: version.status === 'published', unchanged: true, cases: [] })}\n`,
      );
    } else io.out(`${label} is already ${uploaded.version.status} with this exact content; nothing to do.\n`);
    return EXIT.ok;
  }
  if (!values.json) {
    const how = {
      created: `Uploaded ${label} as a draft`,
      replaced: `Replaced the draft ${label} (never published) with this content`,
      unchanged: `${label} is already stored as a draft with this content`,
    }[uploaded.outcome];
    io.err(`${how} (${formatBytes(packed.zip.length)}, version id ${uploaded.version.id})\n`);
    if (uploaded.warnings.length) io.err(`Warnings:\n${formatFieldErrors(uploaded.warnings)}`);
  }

  const executor = onServer(client, uploaded.skill.id, uploaded.version.version);
  const results = await runCases(suite, {
    skip: executor.skip,
    execute(testCase, files) {
      const running = spinner(io, `running ${testCase.name}…`);
      return executor.execute(testCase, files).finally(() => running.stop());
    },
  });
  const failed = results.filter((r) => r.outcome === 'failed');
  if (!values.json && results.length) printCases(io, results);
  // The trigger requests of the uploaded draft, against the server's router (the draft is the newest version).
  const triggers = triggerSuite
    ? await client.ok(
        client.api.POST('/skills/{id}/triggers', {
          params: { path: { id: uploaded.skill.id } },
          body: { version: uploaded.version.version },
        }),
      )
    : undefined;
  if (triggers && !values.json) {
    io.out(`\nTriggers (tests/${TRIGGERS_FILE}):\n${triggerLines(triggers)}${describeTriggers(triggers)}\n`);
  }

  const published = failed.length === 0 && (triggers?.ok ?? true);
  if (published) {
    await client.ok(client.api.POST('/skill-versions/{id}/publish', { params: { path: { id: uploaded.version.id } } }));
  }
  if (values.json) {
    const { version } = uploaded;
    const cases = results.map(caseJson);
    io.out(
      `${JSON.stringify({ skill: name, version: version.version, version_id: version.id, published, warnings: uploaded.warnings, cases, triggers })}\n`,
    );
  } else if (published) {
    const ran = results.length - results.filter((r) => r.outcome === 'skipped').length;
    const tested = values['no-tests']
      ? 'tests skipped (--no-tests)'
      : [`${ran} cases passed`, ...(triggers ? [`triggers ${triggers.passed}/${triggers.total}`] : [])].join(', ');
    const next = uploaded.version.runnable
      ? `Try: open-skills run ${name} --input '{...}'`
      : 'It has no entrypoint: agents find it with search and read its SKILL.md.';
    io.out(`\nPublished ${label} (${tested}).\n${next}\n`);
  } else {
    const why = [
      ...(failed.length ? [`${failed.length} of ${results.length} cases failed`] : []),
      ...(triggers && !triggers.ok ? ['the triggers missed their threshold'] : []),
    ].join(' and ');
    io.out(`\n${why}; ${label} stays a draft (version id ${uploaded.version.id}).\n`);
  }
  return published ? EXIT.ok : EXIT.failure;
}
