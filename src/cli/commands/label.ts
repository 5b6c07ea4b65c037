import { COMMON_OPTIONS, parse, positionals, SERVER_OPTIONS } from '../args.ts';
import { createClient } from '../client.ts';
import { EXIT, type Io, table, usageError } from '../output.ts';
import { resolveSettings } from '../settings.ts';

/**
 * `open-skills label <skill>` lists labels; `label <skill> <label> <version>` points a label at a published version
 * (a number, another label or "latest"); `label <skill> <label> --delete` removes it.
 */
export async function label(args: string[], io: Io): Promise<number> {
  const { values, positionals: rest } = parse('label', args, {
    ...COMMON_OPTIONS,
    ...SERVER_OPTIONS,
    delete: { type: 'boolean', default: false },
  });
  const [skill, name, version] = positionals('label', rest, ['skill'], ['label', 'version']) as [
    string,
    string | undefined,
    string | undefined,
  ];
  const client = createClient(resolveSettings(values));
  const path = { id: skill, label: name ?? '' };
  if (values.delete) {
    if (!name || version) throw usageError('label: --delete takes <skill> <label>');
    await client.ok(client.api.DELETE('/skills/{id}/labels/{label}', { params: { path } }));
    io.out(values.json ? `${JSON.stringify({ skill, label: name, deleted: true })}\n` : `Removed ${skill}@${name}\n`);
    return EXIT.ok;
  }
  if (name) {
    if (!version) throw usageError(`label: name the version for ${name}: open-skills label ${skill} ${name} 1.2.0`);
    const set = await client.ok(client.api.PUT('/skills/{id}/labels/{label}', { params: { path }, body: { version } }));
    io.out(
      values.json
        ? `${JSON.stringify({ skill, ...set })}\n`
        : `${skill}@${set.label} -> ${set.version}\nRuns pinned to it: open-skills run ${skill} --version ${set.label}\n`,
    );
    return EXIT.ok;
  }
  const found = await client.ok(client.api.GET('/skills/{id}', { params: { path: { id: skill } } }));
  const rows = Object.entries(found.labels).sort(([a], [b]) => (a < b ? -1 : 1));
  if (values.json) io.out(`${JSON.stringify({ skill, latest: found.latest_version, labels: found.labels })}\n`);
  else io.out(table([['LABEL', 'VERSION'], ['latest', found.latest_version ?? '-'], ...rows]));
  return EXIT.ok;
}
