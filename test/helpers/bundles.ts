import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { pack } from 'tar-stream';

export type FileMap = Record<string, string | Uint8Array>;

const bytes = (content: string | Uint8Array) =>
  typeof content === 'string' ? new TextEncoder().encode(content) : content;

/** A SKILL.md from front matter lines and a body. */
export function skillMd(front: Record<string, unknown> | string, body = '# Instructions\n\nDo the thing.\n'): string {
  const yaml =
    typeof front === 'string'
      ? front
      : Object.entries(front)
          .map(([k, v]) => `${k}: ${typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v)}`)
          .join('\n');
  return `---\n${yaml}\n---\n${body}`;
}

/** A minimal runnable skill's files. */
export function runnableSkill(name: string, version = '1.0.0', extra: Record<string, unknown> = {}): FileMap {
  return {
    'SKILL.md': skillMd({
      name,
      description: `The ${name} skill, for tests`,
      version,
      entrypoint: 'scripts/main.ts',
      tags: ['test'],
      ...extra,
    }),
    'scripts/main.ts':
      'export default async function run(input: { name?: string }) {\n  return { hello: input.name ?? "world" };\n}\n',
    'resources/data.txt': 'some resource\n',
  };
}

/** Zips files under one top-level folder (the usual layout of a skill archive). */
export function zipOf(files: FileMap, folder?: string): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [path, content] of Object.entries(files)) entries[folder ? `${folder}/${path}` : path] = bytes(content);
  return zipSync(entries);
}

export interface TarEntry {
  name: string;
  content?: string | Uint8Array;
  type?: 'file' | 'symlink' | 'directory';
  linkname?: string;
}

export async function tarGzOf(entries: TarEntry[]): Promise<Uint8Array> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve) => archive.on('end', () => resolve()));
  for (const entry of entries) {
    if (entry.type === 'symlink')
      archive.entry({ name: entry.name, type: 'symlink', linkname: entry.linkname ?? '/etc/passwd' });
    else if (entry.type === 'directory') archive.entry({ name: entry.name, type: 'directory' });
    else archive.entry({ name: entry.name }, Buffer.from(bytes(entry.content ?? '')));
  }
  archive.finalize();
  await ended;
  return new Uint8Array(gzipSync(Buffer.concat(chunks)));
}

/** A multipart body with a `bundle` archive and extra fields. */
export function bundleForm(
  archive: Uint8Array,
  fields: Record<string, string> = {},
  filename = 'bundle.zip',
): FormData {
  const form = new FormData();
  form.set('bundle', new File([archive as Uint8Array<ArrayBuffer>], filename));
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  return form;
}

/** A multipart body with one `files[]` part per file, named by its path under `folder`. */
export function filesForm(files: FileMap, folder: string, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [path, content] of Object.entries(files))
    form.append('files[]', new File([bytes(content) as Uint8Array<ArrayBuffer>], `${folder}/${path}`));
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  return form;
}
