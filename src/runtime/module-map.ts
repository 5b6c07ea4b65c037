/**
 * The module map the sandbox runs: ES module source by bundle path. TypeScript files are stored transpiled and run
 * under their `.js` name (`scripts/main.ts` -> `scripts/main.js`), so imports written either way resolve. Built
 * once here for the server (a stored version) and for the CLI (a folder on disk).
 */

const TYPESCRIPT_EXTENSION = /\.(m|c)?tsx?$/;
const JAVASCRIPT_FILE = /\.m?js$/;

/** The key a module runs under: TypeScript paths take a `.js` extension, others stay as they are. */
export const moduleKey = (path: string) => path.replace(TYPESCRIPT_EXTENSION, '.js');

/** One file of a bundle as far as modules go: its bytes and, for TypeScript, its transpiled code. */
export interface ModuleSource {
  path: string;
  data?: Uint8Array | null;
  compiledJs?: string | null;
  sourceMap?: string | null;
}

export interface ModuleMap {
  modules: Record<string, string>;
  /** Source maps by module key: of transpiled modules, and of JavaScript files with a `<file>.map` beside them. */
  sourceMaps: Record<string, string>;
}

/**
 * Builds the module map of a bundle. A real JavaScript file wins over a transpiled TypeScript twin with the same key
 * (such as the entrypoint `pack --bundle-deps` writes next to its sources).
 *
 * @example
 * buildModuleMap([{ path: 'scripts/main.ts', compiledJs: 'export const run = () => 1;' }]);
 * // { modules: { 'scripts/main.js': 'export const run = () => 1;' }, sourceMaps: {} }
 */
export function buildModuleMap(files: Iterable<ModuleSource>): ModuleMap {
  const modules: Record<string, string> = {};
  const sourceMaps: Record<string, string> = {};
  const decoder = new TextDecoder();
  const list = [...files];
  const mapFiles = new Map(list.filter((f) => f.path.endsWith('.map') && f.data).map((f) => [f.path, f.data!]));
  for (const file of list) {
    if (!JAVASCRIPT_FILE.test(file.path) || !file.data) continue;
    modules[file.path] = decoder.decode(file.data);
    // A bundled entrypoint (`pack --bundle-deps`) ships its map beside it: stacks name the packages' own files.
    const map = mapFiles.get(`${file.path}.map`);
    if (map) sourceMaps[file.path] = decoder.decode(map);
  }
  for (const file of list) {
    const key = moduleKey(file.path);
    if (typeof file.compiledJs !== 'string' || Object.hasOwn(modules, key)) continue;
    modules[key] = file.compiledJs;
    if (file.sourceMap) sourceMaps[key] = file.sourceMap;
  }
  return { modules, sourceMaps };
}
