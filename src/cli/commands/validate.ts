import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { AppError, type FieldError } from '../../errors.ts';
import { buildBundle } from '../../skills/bundle.ts';
import { readSkillDir } from '../../skills/pack.ts';
import { COMMON_OPTIONS, parse, positionals } from '../args.ts';
import { CliError, EXIT, formatFieldErrors, type Io } from '../output.ts';

export interface ValidationReport {
  valid: boolean;
  name?: string;
  version?: string;
  entrypoint?: string;
  files: number;
  errors: FieldError[];
  warnings: FieldError[];
  detail?: string;
}

/** Checks a skill folder with the registry's own rules (the folder name must equal the skill name). */
export async function validateDir(dir: string): Promise<ValidationReport> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new CliError(`${dir} is not a folder`);
  const folder = basename(root);
  const files = await readSkillDir(root);
  try {
    const bundle = await buildBundle(files.map((f) => ({ path: `${folder}/${f.path}`, data: f.data })));
    return {
      valid: true,
      name: bundle.manifest.name,
      version: bundle.manifest.version,
      entrypoint: bundle.manifest.entrypoint,
      files: bundle.files.length,
      errors: [],
      warnings: bundle.warnings,
    };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return {
      valid: false,
      files: files.length,
      errors: error.options.errors ?? [],
      warnings: error.options.warnings ?? [],
      detail: error.message,
    };
  }
}

/** `open-skills validate <dir>`: exit 0 when valid (warnings allowed), 1 when not. */
export async function validate(args: string[], io: Io): Promise<number> {
  const { values, positionals: rest } = parse('validate', args, COMMON_OPTIONS);
  const [dir] = positionals('validate', rest, ['dir']) as [string];
  const report = await validateDir(dir);
  if (values.json) io.out(`${JSON.stringify(report)}\n`);
  else if (report.valid) {
    io.out(
      `${dir}: valid — ${report.name}${report.version ? ` ${report.version}` : ''}, ${report.files} files, ` +
        `${report.entrypoint ? `entrypoint ${report.entrypoint}` : 'instructions only'}\n`,
    );
    if (report.warnings.length) io.out(`Warnings:\n${formatFieldErrors(report.warnings)}`);
  } else {
    io.err(`${dir}: invalid — ${report.detail}\nErrors:\n${formatFieldErrors(report.errors)}`);
    if (report.warnings.length) io.err(`Warnings:\n${formatFieldErrors(report.warnings)}`);
  }
  return report.valid ? EXIT.ok : EXIT.failure;
}
