/**
 * Packs a skill folder into a zip the registry accepts. With `bundleDeps`, the entrypoint and the npm packages it
 * imports are bundled by esbuild into ONE ES module written next to it with a `.js` extension, and the packed
 * SKILL.md points `entrypoint:` at it; the sources stay in the zip for readers. The sandbox resolves only relative
 * imports inside the bundle, so this is how a skill uses pure-JS libraries without any install at run time.
 *
 * @example
 * const packed = await packSkillDir('bundles/excel-to-pptx', { bundleDeps: 'auto' });
 * writeFileSync('excel-to-pptx.zip', packed.zip);
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { basename, dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { zipSync } from 'fflate';
import type { RawFile } from './archive.ts';
import { withEsbuild } from './esbuild-service.ts';

export interface PackOptions {
  /** true: always bundle; 'auto': only when the entrypoint imports bare specifiers; false (default): never. */
  bundleDeps?: boolean | 'auto';
  /** Folders (relative, `/`-separated) left out, such as other skills nested inside this one. */
  skipFolders?: readonly string[];
}

export interface PackResult {
  /** The bundle folder name used inside the zip (the directory's base name). */
  folder: string;
  /** Files as packed, paths relative to the bundle root. */
  files: RawFile[];
  zip: Uint8Array<ArrayBuffer>;
  /** The packed entrypoint, when the skill has one. */
  entrypoint?: string;
  /** Bare imports that were bundled (empty when deps were not bundled). */
  bundled: string[];
}

/** Folders and files never packed (or searched for skills): dependencies, VCS data and archiver junk. */
export const SKIPPED = new Set(['node_modules', '.git', '.DS_Store', 'Thumbs.db', '__MACOSX']);

/** This checkout's node_modules: skills outside a Node project resolve the packages open-skills ships with. */
const ownNodeModules = join(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), 'node_modules');

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const isBare = (specifier: string) =>
  !/^(\.{1,2}\/|\/|[a-z][a-z0-9+.-]*:)/i.test(specifier) || /^node:/.test(specifier);

/** Thrown for problems the author fixes (symlinks, build errors); the CLI prints the message without a stack. */
export class PackError extends Error {
  override name = 'PackError';
}

/** Reads every file of a skill folder, paths relative and `/`-separated; refuses symlinks. */
export async function readSkillDir(dir: string, skipFolders: readonly string[] = []): Promise<RawFile[]> {
  const root = resolve(dir);
  const files: RawFile[] = [];
  async function walk(folder: string): Promise<void> {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (SKIPPED.has(entry.name)) continue;
      const full = join(folder, entry.name);
      const path = relative(root, full).split(sep).join('/');
      const stat = await lstat(full);
      if (stat.isSymbolicLink()) throw new PackError(`${path} is a symlink; skill bundles cannot contain symlinks`);
      if (stat.isDirectory()) {
        if (!skipFolders.includes(path)) await walk(full);
      } else if (stat.isFile()) files.push({ path, data: new Uint8Array(await readFile(full)) });
    }
  }
  await walk(root);
  return files;
}

/** Reads `entrypoint:` from SKILL.md front matter without a YAML parser (the registry validates it properly). */
export function entrypointOf(skillMd: string): string | undefined {
  const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---/.exec(skillMd)?.[1] ?? '';
  const value = /^entrypoint:\s*(.+?)\s*$/m.exec(frontMatter)?.[1];
  return value?.replace(/^['"]|['"]$/g, '') || undefined;
}

/** Points the front matter's `entrypoint:` line at `path`. */
export function rewriteEntrypoint(skillMd: string, path: string): string {
  const match = /^(---\r?\n)([\s\S]*?)(\r?\n---)/.exec(skillMd);
  if (!match) return skillMd;
  const [whole, open, body, close] = match as unknown as [string, string, string, string];
  const rewritten = body.replace(/^entrypoint:.*$/m, `entrypoint: ${path}`);
  return `${open}${rewritten}${close}${skillMd.slice(whole.length)}`;
}

/** The bare specifiers (npm packages, Node built-ins) the entrypoint's local module graph imports. */
export async function bareImports(dir: string, entrypoint: string): Promise<string[]> {
  const found = new Set<string>();
  const collect: Plugin = {
    name: 'collect-bare-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point' || !isBare(args.path)) return undefined;
        found.add(args.path);
        return { path: args.path, external: true };
      });
    },
  };
  const root = resolve(dir);
  try {
    await withEsbuild((esbuild) =>
      esbuild.build({
        absWorkingDir: root,
        entryPoints: [join(root, entrypoint)],
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'neutral',
        logLevel: 'silent',
        plugins: [collect],
      }),
    );
  } catch (error) {
    throw new PackError(buildFailure(entrypoint, error));
  }
  return [...found].sort();
}

const rejectNodeBuiltins: Plugin = {
  name: 'reject-node-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const root = args.path.split('/')[0] ?? '';
      if (builtins.has(args.path) || builtins.has(root) || args.path.startsWith('node:')) {
        return {
          errors: [{ text: `"${args.path}" is a Node built-in; skills run in a bare V8 isolate without Node APIs` }],
        };
      }
      return undefined;
    });
  },
};

function buildFailure(entrypoint: string, error: unknown): string {
  const failures = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
  if (!failures?.length) return `Cannot bundle ${entrypoint}: ${(error as Error).message}`;
  const lines = failures.map((f) =>
    f.location ? `  ${f.location.file}:${f.location.line}: ${f.text}` : `  ${f.text}`,
  );
  return `Cannot bundle ${entrypoint}:\n${lines.join('\n')}`;
}

/** The path the bundled entrypoint is written to: the entrypoint with a `.js` extension. */
export const bundledPath = (entrypoint: string) => entrypoint.replace(/\.(m?ts|mjs|js)$/, '.js');

export interface BundledModule {
  /** The entrypoint and everything it imports as one ES module. */
  code: string;
  /** Its source map (JSON), when asked for. */
  map?: string;
}

/**
 * Bundles the entrypoint and everything it imports (local files and npm packages) into one platform-neutral ES
 * module; Node built-ins are refused at build time rather than failing later in the isolate. Throws `PackError`.
 *
 * @example
 * const { code, map } = await bundleModule('bundles/csv-to-json', 'scripts/main.ts', { sourceMap: true });
 */
export async function bundleModule(
  dir: string,
  entrypoint: string,
  options: { sourceMap?: boolean } = {},
): Promise<BundledModule> {
  const root = resolve(dir);
  try {
    const result = await withEsbuild((esbuild) =>
      esbuild.build({
        absWorkingDir: root,
        entryPoints: [join(root, entrypoint)],
        bundle: true,
        format: 'esm',
        platform: 'neutral',
        target: 'es2022',
        mainFields: ['module', 'main'],
        nodePaths: [ownNodeModules],
        write: false,
        // In the bundled entrypoint's folder (never written), so the map's relative sources start from there.
        outfile: join(root, dirname(entrypoint), '.open-skills-bundle.js'),
        sourcemap: options.sourceMap ? 'external' : false,
        sourcesContent: false,
        logLevel: 'silent',
        legalComments: 'none',
        plugins: [rejectNodeBuiltins],
      }),
    );
    const code = result.outputFiles.find((file) => file.path.endsWith('.js'))?.text;
    if (code === undefined) throw new PackError(`Cannot bundle ${entrypoint}: esbuild produced no output`);
    const map = result.outputFiles.find((file) => file.path.endsWith('.js.map'))?.text;
    return { code, map: map === undefined ? undefined : bundleRelativeMap(map, entrypoint) };
  } catch (error) {
    if (error instanceof PackError) throw error;
    throw new PackError(buildFailure(entrypoint, error));
  }
}

/**
 * Rewrites a bundle's source map so each source names a path a reader recognises: files of the skill relative to
 * the bundle root (`scripts/csv.ts`), packages from `node_modules/` on (`node_modules/fflate/esm/browser.js`)
 * wherever they were resolved from.
 */
function bundleRelativeMap(map: string, entrypoint: string): string {
  const parsed = JSON.parse(map) as { sources: string[]; sourceRoot?: string };
  const folder = posix.dirname(entrypoint);
  parsed.sources = parsed.sources.map((source) => {
    const packageAt = source.lastIndexOf('node_modules/');
    if (packageAt >= 0) return source.slice(packageAt);
    return posix.normalize(posix.join(folder, source));
  });
  delete parsed.sourceRoot;
  return JSON.stringify(parsed);
}

/**
 * The bundled entrypoint `pack --bundle-deps` writes, with a header saying where it came from, and its source map
 * (written beside it as `<entrypoint>.map`), so errors inside bundled packages name their own files and lines.
 */
export async function bundleEntrypoint(dir: string, entrypoint: string): Promise<{ code: string; map: string }> {
  const built = await bundleModule(dir, entrypoint, { sourceMap: true });
  const map = JSON.parse(built.map!) as { mappings: string };
  // The header adds a line before the code, so every mapping moves down one line (";" is an empty first line).
  map.mappings = `;${map.mappings}`;
  const header = `// Bundled by open-skills pack --bundle-deps from ${entrypoint}; edit the sources, not this file.\n`;
  const body = built.code.replace(/\/\/# sourceMappingURL=\S*\s*$/, '');
  const mapName = posix.basename(`${bundledPath(entrypoint)}.map`);
  return { code: `${header}${body}//# sourceMappingURL=${mapName}\n`, map: JSON.stringify(map) };
}

// A fixed timestamp makes zips of the same files byte-identical (downloads of a version, repeated packs).
const ZIP_MTIME = new Date('2000-01-01T00:00:00Z');

/** Zips files under `folder/` (the usual layout of a skill archive). */
export function zipFiles(files: RawFile[], folder?: string): Uint8Array<ArrayBuffer> {
  const entries: Record<string, [Uint8Array, { mtime: Date }]> = {};
  for (const file of files) {
    entries[folder ? posix.join(folder, file.path) : file.path] = [file.data, { mtime: ZIP_MTIME }];
  }
  // fflate allocates its output on a plain ArrayBuffer; its types only say ArrayBufferLike.
  return zipSync(entries, { level: 6 }) as Uint8Array<ArrayBuffer>;
}

/** Reads, optionally bundles, and zips a skill folder. */
export async function packSkillDir(dir: string, options: PackOptions = {}): Promise<PackResult> {
  const root = resolve(dir);
  const folder = basename(root);
  const files = await readSkillDir(root, options.skipFolders);
  const skillMdFile = files.find((f) => f.path === 'SKILL.md') ?? files.find((f) => f.path === 'skill.md');
  const skillMd = skillMdFile ? new TextDecoder().decode(skillMdFile.data) : undefined;
  let entrypoint = skillMd ? entrypointOf(skillMd) : undefined;
  let bundled: string[] = [];
  const entryExists = entrypoint !== undefined && files.some((f) => f.path === entrypoint);
  if (entrypoint && entryExists && skillMdFile && skillMd && options.bundleDeps) {
    const bare = await bareImports(root, entrypoint);
    if (options.bundleDeps === true || bare.length > 0) {
      const { code, map } = await bundleEntrypoint(root, entrypoint);
      const target = bundledPath(entrypoint);
      for (const [path, text] of [
        [target, code],
        [`${target}.map`, map],
      ] as const) {
        const data = new TextEncoder().encode(text);
        const existing = files.find((f) => f.path === path);
        if (existing) existing.data = data;
        else files.push({ path, data });
      }
      skillMdFile.data = new TextEncoder().encode(rewriteEntrypoint(skillMd, target));
      entrypoint = target;
      bundled = bare;
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { folder, files, zip: zipFiles(files, folder), entrypoint, bundled };
}
