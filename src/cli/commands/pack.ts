import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../../errors.ts';
import { extractArchive } from '../../skills/archive.ts';
import { DEFAULT_BUNDLE_LIMITS } from '../../skills/limits.ts';
import { packSkillDir } from '../../skills/pack.ts';
import { COMMON_OPTIONS, parse, positionals } from '../args.ts';
import { CliError, EXIT, formatBytes, type Io } from '../output.ts';
import { validateDir } from './validate.ts';

/** `open-skills pack <dir> [-o file.zip] [--bundle-deps]`: validates, then zips the bundle. */
export async function pack(args: string[], io: Io): Promise<number> {
  const { values, positionals: rest } = parse('pack', args, {
    ...COMMON_OPTIONS,
    output: { type: 'string', short: 'o' },
    'bundle-deps': { type: 'boolean', default: false },
  });
  const [dir] = positionals('pack', rest, ['dir']) as [string];
  const report = await validateDir(dir);
  if (!report.valid) {
    throw new CliError(`${dir} is not a valid bundle: ${report.detail}`, EXIT.failure, report.errors);
  }
  const packed = await packSkillDir(dir, { bundleDeps: values['bundle-deps'] });
  const output = resolve(values.output ?? `${packed.folder}.zip`);
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, packed.zip);
  if (values.json) {
    io.out(
      `${JSON.stringify({ file: output, size: packed.zip.length, files: packed.files.map((f) => f.path), entrypoint: packed.entrypoint, bundled: packed.bundled })}\n`,
    );
  } else {
    const deps = values['bundle-deps']
      ? packed.bundled.length
        ? `; bundled ${packed.bundled.join(', ')} into ${packed.entrypoint}`
        : `; ${packed.entrypoint ?? 'no entrypoint'} imports no packages, bundled as one file`
      : '';
    io.out(
      `Packed ${packed.files.length} files into ${relative(process.cwd(), output) || output} (${formatBytes(packed.zip.length)})${deps}\n`,
    );
  }
  return EXIT.ok;
}

/** `open-skills unpack <zip> <dir>`: extracts with the registry's archive checks (no zip-slip, no symlinks). */
export async function unpack(args: string[], io: Io): Promise<number> {
  const { values, positionals: rest } = parse('unpack', args, COMMON_OPTIONS);
  const [archive, target] = positionals('unpack', rest, ['zip', 'dir']) as [string, string];
  if (!existsSync(archive)) throw new CliError(`${archive} does not exist`);
  let files: { path: string; data: Uint8Array }[];
  try {
    files = await extractArchive(new Uint8Array(readFileSync(archive)), DEFAULT_BUNDLE_LIMITS);
  } catch (error) {
    if (error instanceof AppError)
      throw new CliError(`${archive}: ${error.message}`, EXIT.failure, error.options.errors);
    throw error;
  }
  // A single top-level folder holding SKILL.md is the bundle root: its content goes into <dir>.
  const tops = new Set(files.map((f) => f.path.split('/')[0]));
  const [top] = [...tops];
  const strip = tops.size === 1 && top && files.some((f) => f.path === `${top}/SKILL.md`) ? `${top}/` : '';
  const root = resolve(target);
  const written: string[] = [];
  for (const file of files) {
    const path = file.path.slice(strip.length);
    const full = resolve(root, path);
    // extractArchive already refused "..", absolute paths and symlinks; this is the last line of defence.
    if (!full.startsWith(root + sep)) throw new CliError(`${archive}: entry "${file.path}" would leave ${target}`);
    if (existsSync(full)) throw new CliError(`${join(target, path)} already exists; unpack into an empty folder`);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, file.data);
    written.push(path);
  }
  if (values.json) io.out(`${JSON.stringify({ dir: root, files: written })}\n`);
  else io.out(`Unpacked ${written.length} files into ${target}\n`);
  return EXIT.ok;
}
