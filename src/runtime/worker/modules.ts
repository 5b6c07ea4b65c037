/**
 * Loads a skill's ES modules into an isolate. Every import is resolved and compiled before instantiation, so the
 * resolver handed to isolated-vm only looks up finished results and never throws (6.2.0 segfaults when an
 * async resolver throws synchronously after an earlier import resolved).
 */
import { posix } from 'node:path';
import type ivm from 'isolated-vm';
import { moduleKey } from '../module-map.ts';

/** Thrown for import or compile problems; its message is shown to the skill author as a `skill_error`. */
export class ModuleLoadError extends Error {
  override name = 'ModuleLoadError';
}

/**
 * Resolves a relative specifier against the importing bundle path; returns null for anything that is not a
 * relative path to a module of the bundle (bare names like 'fs', URLs, absolute paths, escapes via `..`).
 * `./util` may omit `.js`, and `./util.ts` maps to the transpiled `./util.js`.
 */
export function resolveSpecifier(specifier: string, referrer: string, modules: Record<string, string>): string | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return null;
  const joined = posix.normalize(posix.join(posix.dirname(referrer), specifier));
  if (joined.startsWith('../') || joined === '..' || joined.startsWith('/')) return null;
  const candidates = [joined, moduleKey(joined), `${joined}.js`, `${joined}/index.js`];
  for (const candidate of candidates) {
    if (Object.hasOwn(modules, candidate)) return candidate;
  }
  return null;
}

// Compilation and linking use the synchronous API: each async call is a hop through isolated-vm's thread pool,
// which costs milliseconds on a loaded 2-core machine, and neither step runs guest code.
function compile(isolate: ivm.Isolate, path: string, source: string): ivm.Module {
  try {
    return isolate.compileModuleSync(source, { filename: path });
  } catch (error) {
    const e = error as Error;
    throw new ModuleLoadError(`Cannot compile ${path}: ${e.name}: ${e.message}`);
  }
}

/** Compiles the entry module and everything it imports, then instantiates the graph in `context`. */
export async function loadModules(
  isolate: ivm.Isolate,
  context: ivm.Context,
  entrypoint: string,
  modules: Record<string, string>,
): Promise<ivm.Module> {
  const entrySource = Object.hasOwn(modules, entrypoint) ? modules[entrypoint] : undefined;
  if (entrySource === undefined) throw new ModuleLoadError(`The entrypoint ${entrypoint} is not in the bundle`);
  const byPath = new Map<string, ivm.Module>();
  const links = new Map<ivm.Module, Map<string, ivm.Module>>();
  const entry = compile(isolate, entrypoint, entrySource);
  byPath.set(entrypoint, entry);
  const queue: Array<[string, ivm.Module]> = [[entrypoint, entry]];
  for (let item = queue.shift(); item; item = queue.shift()) {
    const [path, module] = item;
    const deps = new Map<string, ivm.Module>();
    for (const specifier of module.dependencySpecifiers) {
      const target = resolveSpecifier(specifier, path, modules);
      if (target === null) {
        throw new ModuleLoadError(
          `Cannot import "${specifier}" from ${path}: only relative imports of files inside the skill bundle are allowed`,
        );
      }
      let dep = byPath.get(target);
      if (!dep) {
        dep = compile(isolate, target, modules[target] as string);
        byPath.set(target, dep);
        queue.push([target, dep]);
      }
      deps.set(specifier, dep);
    }
    links.set(module, deps);
  }
  // Every link was resolved above, so the resolver only looks results up. It must not throw: isolated-vm 6.2.0
  // crashes when a resolver throws after an earlier import resolved, hence the entry module as a harmless fallback
  // for a case the walk makes unreachable.
  entry.instantiateSync(context, (specifier, referrer) => links.get(referrer)?.get(specifier) ?? entry);
  return entry;
}
