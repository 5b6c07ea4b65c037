import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { COMMON_OPTIONS, parse, positionals, SERVER_OPTIONS } from '../args.ts';
import { type Client, createClient } from '../client.ts';
import { EXIT, formatBytes, formatFieldErrors, type Io, spinner, usageError } from '../output.ts';
import { runOnServer } from '../server-run.ts';
import { resolveSettings } from '../settings.ts';

function readInput(raw: string | undefined): unknown {
  if (raw === undefined) return {};
  const text = raw.startsWith('@') ? readFileSync(raw.slice(1), 'utf8') : raw;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usageError(`run: --input is not JSON (${(error as Error).message}); e.g. --input '{"name":"Ada"}'`);
  }
}

/**
 * One `--file` and a skill with exactly one input of type file that `--input` leaves unset: the file is that input
 * (`run excel-to-pptx --file sales.xlsx` sets `input.file = "sales.xlsx"`). Returns what was mapped.
 */
async function mapSingleFile(
  client: Client,
  skill: string,
  version: string | undefined,
  input: unknown,
  files: Map<string, Uint8Array>,
): Promise<{ file: string; input: string } | undefined> {
  const [file, ...others] = [...files.keys()];
  if (!file || others.length > 0 || typeof input !== 'object' || input === null || Array.isArray(input)) return;
  const params = { path: { id: skill, version: version ?? 'latest' } };
  const found = await client.find(client.api.GET('/skills/{id}/versions/{version}', { params }));
  const fileInputs = (found?.inputs ?? []).filter((field) => field.type === 'file');
  const [only] = fileInputs;
  if (fileInputs.length !== 1 || !only || Object.hasOwn(input, only.name)) return;
  (input as Record<string, unknown>)[only.name] = file;
  return { file, input: only.name };
}

/** `open-skills run <skill> --input '{...}' [--file path]... [--version v] [--out dir]` */
export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals: rest } = parse('run', args, {
    ...COMMON_OPTIONS,
    ...SERVER_OPTIONS,
    input: { type: 'string', short: 'i' },
    file: { type: 'string', short: 'f', multiple: true },
    version: { type: 'string' },
    out: { type: 'string' },
    timeout: { type: 'string' },
  });
  const [skill] = positionals('run', rest, ['skill']) as [string];
  const input = readInput(values.input);
  const files = new Map<string, Uint8Array>();
  for (const path of values.file ?? []) {
    if (!existsSync(path)) throw usageError(`run: --file ${path} does not exist`);
    files.set(basename(path), new Uint8Array(readFileSync(path)));
  }
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) {
    throw usageError('run: --timeout must be a whole number of milliseconds');
  }
  const client = createClient(resolveSettings(values));
  const mapped = await mapSingleFile(client, skill, values.version, input, files);
  if (mapped && !values.json) io.err(`--file ${mapped.file} -> input.${mapped.input}\n`);
  const progress = spinner(io, `running ${skill}…`);
  const result = await runOnServer(
    client,
    { skill, version: values.version, input, files, timeout_ms: timeout },
    {
      onUpload: (sent, total) => progress.update(`uploading files ${formatBytes(sent)} / ${formatBytes(total)}`),
      onStarted: (started) => progress.update(`running ${skill} (run ${started.id})…`),
      onLog: (line) => {
        if (values.json) return;
        progress.stop();
        io.err(`[${line.level}] ${line.message}\n`);
      },
    },
  ).finally(() => progress.stop());

  const downloaded: { name: string; path: string; size: number; mime_type: string }[] = [];
  if (result.status === 'succeeded' && result.artifacts.length > 0) {
    const outDir = resolve(values.out ?? join('artifacts', result.id));
    mkdirSync(outDir, { recursive: true });
    for (const artifact of result.artifacts) {
      const name = basename(artifact.name) || artifact.id;
      const path = join(outDir, name);
      progress.update(`downloading ${name} (${formatBytes(artifact.size)})`);
      await client.download(
        client.api.GET('/artifacts/{id}', { params: { path: { id: artifact.id } }, parseAs: 'stream' }),
        path,
      );
      downloaded.push({ name: artifact.name, path, size: artifact.size, mime_type: artifact.mime_type });
    }
    progress.stop();
  }

  if (values.json) {
    io.out(`${JSON.stringify({ ...result, downloaded })}\n`);
  } else if (result.status === 'succeeded') {
    io.out(`${JSON.stringify(result.output, null, 2)}\n`);
    for (const file of downloaded) {
      io.err(
        `artifact ${file.name} (${file.mime_type}, ${formatBytes(file.size)}) -> ${relative(process.cwd(), file.path)}\n`,
      );
    }
    io.err(`run ${result.id}: ${result.skill} ${result.version ?? ''} succeeded in ${result.duration_ms ?? '?'} ms\n`);
  } else {
    const error = result.error;
    io.err(
      `run ${result.id}: ${result.status}${error ? ` — ${error.type}: ${error.message}` : ''}\n` +
        `${error?.errors ? formatFieldErrors(error.errors) : ''}${error?.stack ? `${error.stack}\n` : ''}`,
    );
  }
  if (result.status !== 'succeeded') return EXIT.failure;
  return EXIT.ok;
}
