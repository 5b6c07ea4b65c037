import { packSkillDir } from '../../skills/pack.ts';
import { COMMON_OPTIONS, parse, positionals, SERVER_OPTIONS } from '../args.ts';
import { caseFiles, checkOutcome, listCases, type SkillCase } from '../cases.ts';
import { type Client, createClient } from '../client.ts';
import { CliError, EXIT, formatBytes, formatFieldErrors, type Io, spinner, table } from '../output.ts';
import { artifactMime, runOnServer } from '../server-run.ts';
import { resolveSettings } from '../settings.ts';
import { validateDir } from './validate.ts';

interface UploadResult {
  skill: { id: string; name: string };
  version: { id: string; version: string; status: string };
  warnings: { field: string; message: string }[];
}

interface CaseReport {
  file: string;
  name: string;
  outcome: 'passed' | 'failed' | 'skipped';
  run_id?: string;
  duration_ms?: number;
  problems: string[];
  note?: string;
}

async function runCase(
  client: Client,
  dir: string,
  uploaded: UploadResult,
  file: string,
  testCase: SkillCase,
): Promise<CaseReport> {
  const base = { file, name: testCase.name, problems: [] as string[] };
  for (const required of testCase.requires ?? []) {
    if (!(await client.find(`/skills/${encodeURIComponent(required)}`))) {
      return { ...base, outcome: 'skipped', note: `needs skill "${required}", which this server does not have` };
    }
  }
  const started = performance.now();
  const run = await runOnServer(client, {
    skill: uploaded.skill.id,
    version: uploaded.version.version,
    input: testCase.input ?? {},
    files: caseFiles(dir, testCase),
  });
  const problems = checkOutcome(testCase, {
    status: run.status,
    output: run.output,
    error: run.error,
    artifacts: run.artifacts.map((a) => ({ name: a.name, size: a.size, mimeType: artifactMime(a) })),
  });
  return {
    ...base,
    outcome: problems.length ? 'failed' : 'passed',
    problems,
    run_id: run.id,
    duration_ms: run.duration_ms ?? Math.round(performance.now() - started),
  };
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
  const cases = values['no-tests'] ? [] : listCases(dir);

  const client = createClient(resolveSettings(values));
  const existing = await client.find<{ id: string }>(`/skills/${encodeURIComponent(name)}`);
  if (cases.length > 0 && !(await client.exists('GET', '/runs'))) {
    throw new CliError(
      `${client.settings.url} cannot run skills (no /runs route), so the tests cannot run there; use --no-tests`,
    );
  }
  const form = new FormData();
  form.set(
    'bundle',
    new File([packed.zip as Uint8Array<ArrayBuffer>], `${packed.folder}.zip`, { type: 'application/zip' }),
  );
  form.set('publish', 'false');
  if (values.version) form.set('version', values.version);
  const progress = spinner(io, 'uploading…');
  const path = existing ? `/skills/${encodeURIComponent(name)}/versions` : '/skills';
  const uploaded = await client
    .upload<UploadResult>('POST', path, form, (sent, total) =>
      progress.update(`uploading ${name} ${formatBytes(sent)} / ${formatBytes(total)}`),
    )
    .finally(() => progress.stop());
  const label = `${name} ${uploaded.version.version}`;
  if (!values.json) {
    io.err(`Uploaded ${label} as a draft (${formatBytes(packed.zip.length)}, version id ${uploaded.version.id})\n`);
    if (uploaded.warnings.length) io.err(`Warnings:\n${formatFieldErrors(uploaded.warnings)}`);
  }

  const results: CaseReport[] = [];
  for (const { file, testCase } of cases) {
    const running = spinner(io, `running ${testCase.name}…`);
    results.push(await runCase(client, dir, uploaded, file, testCase).finally(() => running.stop()));
  }
  const failed = results.filter((r) => r.outcome === 'failed');
  if (!values.json && results.length) {
    io.out(
      table([
        ['CASE', 'RESULT', 'TIME', 'RUN'],
        ...results.map((r) => [
          r.name,
          r.outcome.toUpperCase(),
          r.duration_ms === undefined ? '' : `${r.duration_ms} ms`,
          r.run_id ?? r.note ?? '',
        ]),
      ]),
    );
    for (const r of failed) io.out(`\n${r.name}:\n${r.problems.map((p) => `  ${p}\n`).join('')}`);
  }

  let published = false;
  if (failed.length === 0) {
    await client.post(`/skill-versions/${uploaded.version.id}/publish`);
    published = true;
  }
  if (values.json) {
    io.out(
      `${JSON.stringify({ skill: name, version: uploaded.version.version, version_id: uploaded.version.id, published, warnings: uploaded.warnings, cases: results })}\n`,
    );
  } else if (published) {
    const tested = values['no-tests']
      ? 'tests skipped (--no-tests)'
      : `${results.length - results.filter((r) => r.outcome === 'skipped').length} cases passed`;
    io.out(`\nPublished ${label} (${tested}).\nTry: open-skills run ${name} --input '{...}'\n`);
  } else {
    io.out(
      `\n${failed.length} of ${results.length} cases failed; ${label} stays a draft (version id ${uploaded.version.id}).\n`,
    );
  }
  return published ? EXIT.ok : EXIT.failure;
}
