/**
 * What the sandbox needs to run a version: its JavaScript modules keyed by bundle path, source maps, and the run
 * settings from its manifest. Built from stored files on the server and from a packed folder by the CLI.
 */
import { buildModuleMap, type ModuleSource, moduleKey } from '../runtime/module-map.ts';
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
    ...buildModuleMap(files),
    inputs: version.inputs,
    outputs: version.outputs,
    ...runSettings(storedManifest(version.metadata)),
  };
}
