/**
 * `open-skills import <dir>`: imports every skill folder (any folder with a SKILL.md) under a directory, such as a
 * checkout of a skills repository. Each skill is packed here and sent to `POST /skills/import` on its own, so a
 * progress bar can follow and one bad skill never stops the rest; a summary table says what became of each.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { normalizeName } from '../../skills/names.ts';
import { PackError, packSkillDir, SKIPPED } from '../../skills/pack.ts';
import { COMMON_OPTIONS, parse, positionals, SERVER_OPTIONS } from '../args.ts';
import { type Client, createClient, multipartUpload } from '../client.ts';
import { CliError, EXIT, formatFieldErrors, type Io, spinner, table, usageError } from '../output.ts';
import { resolveSettings } from '../settings.ts';

type Imported = {
  path: string;
  name: string | null;
  outcome: 'created' | 'updated' | 'unchanged' | 'refused';
  version: string | null;
  warnings: { field: string; message: string }[];
  errors: { field: string; message: string }[];
  detail: string | null;
};

const hasInstructions = (dir: string) => existsSync(join(dir, 'SKILL.md')) || existsSync(join(dir, 'skill.md'));

/** Every folder under `root` (itself included) holding a SKILL.md, as paths relative to `root`, in path order. */
export function findSkillFolders(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (hasInstructions(dir)) found.push(relative(root, dir).split(sep).join('/'));
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !SKIPPED.has(entry.name)) walk(join(dir, entry.name));
    }
  };
  walk(root);
  return found.sort();
}

/** Packs one skill folder (skills nested in it are left out) and imports it. */
async function importOne(client: Client, root: string, path: string, all: string[], publish: boolean) {
  const nested = all.filter((other) => other !== path && (path === '' || other.startsWith(`${path}/`)));
  const skipFolders = nested.map((other) => (path === '' ? other : other.slice(path.length + 1)));
  const packed = await packSkillDir(join(root, path), { bundleDeps: 'auto', skipFolders });
  const archive = new File([packed.zip], `${packed.folder}.zip`, { type: 'application/zip' });
  const body = { archive, publish: publish ? ('true' as const) : ('false' as const) };
  const result = await client.ok(client.api.POST('/skills/import', { body, ...multipartUpload(body) }));
  const [skill] = result.skills;
  if (!skill) throw new CliError(`The server imported nothing from ${path || '.'}`, EXIT.server);
  return { ...skill, path: path || '.' };
}

function summary(io: Io, results: Imported[]) {
  const clip = (text: string) => (text.length > 90 ? `${text.slice(0, 89)}…` : text);
  const note = (r: Imported) =>
    r.outcome === 'refused'
      ? clip(r.detail ?? '')
      : r.warnings.length
        ? `${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}`
        : '';
  io.out(
    table([
      ['SKILL', 'RESULT', 'VERSION', 'NOTE'],
      ...results.map((r) => [r.path, r.outcome.toUpperCase(), r.version ?? '', note(r)]),
    ]),
  );
  const count = (outcome: Imported['outcome']) => results.filter((r) => r.outcome === outcome).length;
  const warned = results.filter((r) => r.warnings.length > 0).length;
  io.out(
    `\n${results.length} skills: ${count('created')} imported, ${count('updated')} updated, ` +
      `${count('unchanged')} unchanged, ${count('refused')} refused; ${warned} with warnings\n`,
  );
  for (const r of results.filter((x) => x.outcome === 'refused' && x.errors.length > 0)) {
    io.out(`\n${r.path}: ${r.detail}\n${formatFieldErrors(r.errors)}`);
  }
}

/** `open-skills import <dir> [--draft]`: exit 1 when any skill was refused (the others are imported anyway). */
export async function importDir(args: string[], io: Io): Promise<number> {
  const { values, positionals: rest } = parse('import', args, {
    ...COMMON_OPTIONS,
    ...SERVER_OPTIONS,
    draft: { type: 'boolean', default: false },
  });
  const [dir] = positionals('import', rest, ['dir']) as [string];
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw usageError(`import: ${dir} is not a folder`);
  const folders = findSkillFolders(root);
  if (folders.length === 0) throw new CliError(`${dir} has no folder with a SKILL.md`);
  const client = createClient(resolveSettings(values));
  const progress = spinner(io, `importing ${folders.length} skills…`);
  const results: Imported[] = [];
  const seen = new Map<string, string>();
  for (const [i, path] of folders.entries()) {
    const done = Math.round((20 * i) / folders.length);
    progress.update(`[${'#'.repeat(done)}${' '.repeat(20 - done)}] ${i}/${folders.length} ${path || '.'}`);
    const name = normalizeName(basename(join(root, path)));
    const refused = (detail: string): Imported => ({
      path: path || '.',
      name,
      outcome: 'refused',
      version: null,
      warnings: [],
      errors: [],
      detail,
    });
    const clash = seen.get(name);
    if (clash !== undefined) {
      results.push(refused(`name clash: a skill named "${name}" is also at ${clash || '.'}, imported from there`));
      continue;
    }
    seen.set(name, path);
    try {
      results.push(await importOne(client, root, path, folders, !values.draft));
    } catch (error) {
      // A skill the server or the packer refuses is reported; an unreachable or failing server stops the import.
      if (error instanceof PackError) results.push(refused(error.message));
      else if (error instanceof CliError && error.exitCode === EXIT.failure) {
        results.push({ ...refused(error.message), errors: error.errors });
      } else throw error;
    }
  }
  progress.stop();
  if (values.json) io.out(`${JSON.stringify({ skills: results })}\n`);
  else summary(io, results);
  return results.some((r) => r.outcome === 'refused') ? EXIT.failure : EXIT.ok;
}
