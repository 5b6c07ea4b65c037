/**
 * Bundles one skill folder into a single ES module that runs in a bare V8 isolate.
 *
 * Skills may import npm packages (fflate, fast-xml-parser) and their own files by relative path; the sandbox
 * has no module resolution and no Node APIs, so everything is inlined here. Node built-ins are rejected at
 * build time rather than failing later inside the isolate.
 */
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

export interface BundledSkill {
  /** The whole skill as one ES module exporting `run` (default and named). */
  code: string;
  /** Source map (JSON) whose sources are relative to the skill folder. */
  map: string;
}

/** node_modules of this checkout, so bundles stored anywhere resolve the same package versions. */
const repoNodeModules = join(dirname(dirname(fileURLToPath(import.meta.url))), 'node_modules');

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

const rejectNodeBuiltins: Plugin = {
  name: 'reject-node-builtins',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /.*/ }, (args) => {
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

/** Reads `entrypoint:` from the SKILL.md front matter; a tiny reader keeps this helper free of YAML deps. */
export async function readEntrypoint(dir: string): Promise<string | undefined> {
  const skillMd = await readFile(join(dir, 'SKILL.md'), 'utf8');
  const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---/.exec(skillMd)?.[1] ?? '';
  const line = /^entrypoint:\s*(.+?)\s*$/m.exec(frontMatter)?.[1];
  return line?.replace(/^['"]|['"]$/g, '');
}

/**
 * Builds `dir` (a skill folder) from its entrypoint, or from `entrypoint` when given (path relative to `dir`).
 * Throws when the skill has no entrypoint or the build fails.
 */
export async function bundleSkill(dir: string, entrypoint?: string): Promise<BundledSkill> {
  const root = resolve(dir);
  const entry = entrypoint ?? (await readEntrypoint(root));
  if (!entry) throw new Error(`${root}: SKILL.md declares no entrypoint; instruction-only skills are not bundled`);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, entry)],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    nodePaths: [repoNodeModules],
    sourcemap: 'external',
    sourcesContent: true,
    outfile: join(root, 'dist', 'skill.js'),
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    plugins: [rejectNodeBuiltins],
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('.js'))?.text;
  const map = result.outputFiles.find((file) => file.path.endsWith('.js.map'))?.text;
  if (code === undefined || map === undefined) throw new Error(`${root}: esbuild produced no output`);
  return { code, map };
}
