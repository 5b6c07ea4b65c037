/**
 * What the sandbox needs to run a version: its JavaScript modules keyed by bundle path, source maps, and the run
 * settings from its manifest. Built from stored files on the server and from a packed folder by the CLI.
 */
import { type IoField, runSettings, storedManifest } from './manifest.ts';

/** Everything needed to run one version; versions are immutable, so this is cached by version id. */
export interface RuntimeVersion {
  id: string;
  skillId: string;
  name: string;
  version: string;
  /** Entry module key in `modules` (`.ts` entries map to their transpiled `.js` key); null = instructions only. */
  entrypoint: string | null;
  modules: Record<string, string>;
  sourceMaps: Record<string, string>;
  inputs: IoField[] | null;
  outputs: IoField[] | null;
  inputSchema: Record<string, unknown> | null;
  outputSchema: Record<string, unknown> | null;
  allowNetwork: boolean;
  networkAllowlist: string[];
  secrets: string[];
  timeoutMs: number | null;
  memoryMb: number | null;
}

/** A file of a bundle as far as modules go: JavaScript as written, or TypeScript with its transpiled output. */
export interface ModuleSource {
  path: string;
  content: Uint8Array | null;
  compiledJs?: string | null;
  sourceMap?: string | null;
}

const TYPESCRIPT = /\.(m|c)?ts$/;

/** The module key a bundle path runs under: TypeScript files run as their transpiled `.js` twin. */
export const moduleKey = (path: string) => path.replace(TYPESCRIPT, '.js');

/**
 * The module map of a bundle. Real JavaScript files win over a transpiled TypeScript twin with the same key: a
 * bundled `scripts/main.js` (pack --bundle-deps) must run instead of the `scripts/main.ts` it was built from.
 */
export function moduleMap(files: readonly ModuleSource[]) {
  const modules: Record<string, string> = {};
  const sourceMaps: Record<string, string> = {};
  const decoder = new TextDecoder();
  for (const f of files) {
    if (f.compiledJs == null && /\.m?js$/.test(f.path) && f.content) modules[f.path] = decoder.decode(f.content);
  }
  for (const f of files) {
    const key = moduleKey(f.path);
    if (f.compiledJs == null || Object.hasOwn(modules, key)) continue;
    modules[key] = f.compiledJs;
    if (f.sourceMap) sourceMaps[key] = f.sourceMap;
  }
  return { modules, sourceMaps };
}

/** A stored version and its module files as the sandbox runs them. */
export function toRuntimeVersion(
  version: {
    id: string;
    skill_id: string;
    name: string;
    version: string;
    entrypoint: string | null;
    metadata: { manifest?: unknown };
    inputs: IoField[] | null;
    outputs: IoField[] | null;
  },
  files: readonly ModuleSource[],
): RuntimeVersion {
  return {
    id: version.id,
    skillId: version.skill_id,
    name: version.name,
    version: version.version,
    entrypoint: version.entrypoint ? moduleKey(version.entrypoint) : null,
    ...moduleMap(files),
    inputs: version.inputs,
    outputs: version.outputs,
    ...runSettings(storedManifest(version.metadata)),
  };
}
