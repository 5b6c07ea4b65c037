/**
 * Loads the example skills in `bundles/` into an empty embedded server, so a new user can search and run real
 * skills right after `npm start`. Runs once: only when org "default" has no skills at all (deleting the examples
 * does not bring them back). A broken example is logged and skipped; it never stops the server.
 *
 * @example
 * await loadExamples({ registry, logger });
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Caller } from '../auth/caller.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../telemetry/logger.ts';
import { buildBundle } from './bundle.ts';
import { packSkillDir } from './pack.ts';
import type { Registry } from './registry.ts';

/** The repository's `bundles/` folder (shipped in the npm package). */
export const EXAMPLES_DIR = resolve(fileURLToPath(new URL('../../bundles', import.meta.url)));

/** Who the examples belong to: the embedded server's first admin. */
export const EXAMPLES_CALLER: Caller = { userId: 'admin', orgId: 'default', role: 'admin', tokenId: 'load-examples' };

export interface ExamplesResult {
  /** False when the org already had skills and nothing was attempted. */
  attempted: boolean;
  loaded: { name: string; version: string; bundled: string[] }[];
  failed: { name: string; error: string }[];
}

/** Folders of `dir` holding a SKILL.md, sorted by name. */
export function exampleDirs(dir = EXAMPLES_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'SKILL.md')))
    .map((entry) => join(dir, entry.name))
    .sort();
}

function describe(error: unknown): string {
  if (error instanceof AppError) {
    const fields = (error.options.errors ?? []).map((e) => `${e.field}: ${e.message}`);
    return [error.message, ...fields].join('; ');
  }
  return (error as Error).message ?? String(error);
}

export async function loadExamples(deps: {
  registry: Registry;
  logger: Logger;
  dir?: string;
  caller?: Caller;
}): Promise<ExamplesResult> {
  const caller = deps.caller ?? EXAMPLES_CALLER;
  const result: ExamplesResult = { attempted: false, loaded: [], failed: [] };
  if (await deps.registry.orgHasSkills(caller.orgId)) return result;
  result.attempted = true;
  for (const dir of exampleDirs(deps.dir)) {
    const name = dir.split(/[\\/]/).pop() ?? dir;
    try {
      // Entry points that import npm packages are bundled into one module, as `pack --bundle-deps` does.
      const packed = await packSkillDir(dir, { bundleDeps: 'auto' });
      const bundle = await buildBundle(packed.files);
      const uploaded = await deps.registry.createSkillFromBundle(caller, bundle, { publish: true, visibility: 'org' });
      result.loaded.push({ name, version: uploaded.version.version, bundled: packed.bundled });
    } catch (error) {
      result.failed.push({ name, error: describe(error) });
      deps.logger.warn({ example: name, error: describe(error) }, 'example skill not loaded');
    }
  }
  deps.logger.info(
    {
      loaded: result.loaded.map((l) => `${l.name}@${l.version}`),
      failed: result.failed.map((f) => f.name),
      org: caller.orgId,
    },
    `loaded ${result.loaded.length} example skills`,
  );
  return result;
}
