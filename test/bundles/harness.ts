/**
 * Runs the example skills in bundles/ the way the sandbox will, but in-process: each bundle is built with
 * bundleModule (one ES module, as `pack --bundle-deps` builds it), written to a temp file and imported, and its
 * `run` is called with a fake ctx that keeps files, resources and artifacts in memory. Cases go through the one case
 * runner (src/skills/test-cases.ts); the same tests/*.json cases later run on the real server.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createContext, Script } from 'node:vm';
import { transform } from 'esbuild';
import { readCaseSuite } from '../../src/cli/cases.ts';
import { inputError } from '../../src/runtime/io-validation.ts';
import { type ParsedSkillMd, parseSkillMd } from '../../src/skills/manifest.ts';
import { type BundledModule, bundleModule } from '../../src/skills/pack.ts';
import { type CaseExecutor, runCase as runOneCase, type SkillCase } from '../../src/skills/test-cases.ts';

export { matchesPartial } from '../../src/skills/test-cases.ts';

export const BUNDLES_DIR = join(import.meta.dirname, '../../bundles');

export interface StoredArtifact {
  id: string;
  name: string;
  size: number;
  mimeType: string;
  sha256: string;
  data: Uint8Array;
  /** Which skill wrote it (child runs write their own artifacts). */
  skill: string;
}

export interface CaseResult {
  status: 'succeeded' | 'failed';
  output?: unknown;
  error?: { type: string; message: string; errors?: { field: string; message: string }[] };
  artifacts: StoredArtifact[];
  logs: string[];
}

export interface BundleInfo {
  name: string;
  dir: string;
  parsed: ParsedSkillMd;
}

export function listBundles(): BundleInfo[] {
  return readdirSync(BUNDLES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(BUNDLES_DIR, entry.name, 'SKILL.md')))
    .map((entry) => {
      const dir = join(BUNDLES_DIR, entry.name);
      return { name: entry.name, dir, parsed: parseSkillMd(readFileSync(join(dir, 'SKILL.md'), 'utf8'), entry.name) };
    });
}

export const listCases = (dir: string) => readCaseSuite(dir).cases;

type RunFunction = (input: unknown, ctx: unknown) => Promise<unknown>;

/**
 * Evaluates a built bundle in a fresh V8 context holding only what the sandbox provides (no require, process,
 * Buffer, timers or fetch), so a skill that relies on a Node or browser API fails here as it would in the isolate.
 */
export async function loadSkillBare(name: string): Promise<RunFunction> {
  const { bundle } = await loadSkill(name);
  const { code } = await transform(bundle.code, { format: 'iife', globalName: '__skill', target: 'es2022' });
  const globals = { console, TextEncoder, TextDecoder, URL, atob, btoa, structuredClone };
  const context = createContext({ ...globals });
  new Script(`${code}\n;globalThis.__skill = __skill;`).runInContext(context);
  const exports = (context as { __skill: { default?: RunFunction; run?: RunFunction } }).__skill;
  const run = exports.default ?? exports.run;
  if (typeof run !== 'function') throw new Error(`${name}: the bundle exports no run function`);
  return run;
}
const built = new Map<string, Promise<{ bundle: Required<BundledModule>; run: RunFunction }>>();
const tempDir = mkdtempSync(join(tmpdir(), 'open-skills-bundles-'));

/** Builds and imports a bundle once per test process. */
export function loadSkill(name: string): Promise<{ bundle: Required<BundledModule>; run: RunFunction }> {
  let loading = built.get(name);
  if (!loading) {
    loading = (async () => {
      const info = listBundles().find((bundle) => bundle.name === name);
      const entrypoint = info?.parsed.manifest.entrypoint;
      if (!entrypoint)
        throw new Error(`${name}: SKILL.md declares no entrypoint; instruction-only skills are not bundled`);
      const { code, map } = await bundleModule(info.dir, entrypoint, { sourceMap: true });
      const bundle = { code, map: map ?? '' };
      const file = join(tempDir, `${name}.mjs`);
      writeFileSync(file, bundle.code);
      const module = (await import(pathToFileURL(file).href)) as { default?: RunFunction; run?: RunFunction };
      const run = module.default ?? module.run;
      if (typeof run !== 'function') throw new Error(`${name}: the bundle exports no run function`);
      return { bundle, run };
    })();
    built.set(name, loading);
  }
  return loading;
}

interface RunState {
  artifacts: StoredArtifact[];
  logs: string[];
  depth: number;
  /** Run bundles in a bare V8 context instead of importing them into Node. */
  bare: boolean;
}

async function runSkill(
  name: string,
  input: Record<string, unknown>,
  files: Map<string, Uint8Array>,
  state: RunState,
): Promise<unknown> {
  const info = listBundles().find((bundle) => bundle.name === name);
  if (!info) throw new FakeHostError('skill_error', `skill "${name}" not found`);
  const invalid = inputError(info.parsed.manifest, input, new Set(files.keys()));
  if (invalid) throw new FakeHostError('invalid_input', invalid.message, invalid.errors);
  const run = state.bare ? await loadSkillBare(name) : (await loadSkill(name)).run;
  const text = (data: Uint8Array) => new TextDecoder().decode(data);
  const readFile = async (fileName: string) => {
    const data = files.get(fileName);
    if (!data) throw new FakeHostError('skill_error', `file "${fileName}" was not sent with the run`);
    return data;
  };
  const readResource = async (path: string) => {
    const full = join(info.dir, path);
    if (path.includes('..') || !existsSync(full))
      throw new FakeHostError('skill_error', `resource "${path}" not found`);
    return new Uint8Array(readFileSync(full));
  };
  const ctx = {
    run: { id: `run-${state.depth}-${state.artifacts.length}`, skill: name, version: info.parsed.manifest.version },
    log: (...args: unknown[]) => state.logs.push(args.map(String).join(' ')),
    files: { read: readFile, readText: async (fileName: string) => text(await readFile(fileName)) },
    resources: { read: readResource, readText: async (path: string) => text(await readResource(path)) },
    artifacts: {
      write: async (artifactName: string, data: string | Uint8Array, options?: { mimeType?: string }) => {
        const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
        const artifact: StoredArtifact = {
          id: `artifact-${state.artifacts.length + 1}`,
          name: artifactName,
          size: bytes.byteLength,
          mimeType: options?.mimeType ?? 'application/octet-stream',
          sha256: createHash('sha256').update(bytes).digest('hex'),
          data: bytes,
          skill: name,
        };
        state.artifacts.push(artifact);
        const { data: _data, skill: _skill, ...info } = artifact;
        return info;
      },
    },
    fetch: async () => {
      throw new FakeHostError('network_denied', 'no network in bundle tests');
    },
    secrets: {},
    callSkill: async (child: string, childInput: unknown) => {
      if (state.depth >= 3) throw new FakeHostError('limit_exceeded', 'composition too deep');
      return runSkill(child, childInput as Record<string, unknown>, new Map(), { ...state, depth: state.depth + 1 });
    },
  };
  // Output must survive JSON like on the server.
  return JSON.parse(JSON.stringify((await run(input, ctx)) ?? null));
}

class FakeHostError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly errors?: { field: string; message: string }[],
  ) {
    super(message);
  }
}

/** Executes cases in-process (`bare`: in a fresh V8 context with the sandbox's globals only). */
function inProcess(bundle: string, bare: boolean): CaseExecutor<CaseResult> {
  return {
    async execute(testCase, files) {
      const state: RunState = { artifacts: [], logs: [], depth: 0, bare };
      try {
        const output = await runSkill(bundle, (testCase.input ?? {}) as Record<string, unknown>, files, state);
        return { status: 'succeeded', output, artifacts: state.artifacts, logs: state.logs };
      } catch (error) {
        const { type = 'skill_error', errors } = error instanceof FakeHostError ? error : {};
        const message = String((error as Error).message);
        return { status: 'failed', error: { type, message, errors }, artifacts: state.artifacts, logs: state.logs };
      }
    },
  };
}

/** Runs one case of `bundle` through the case runner and returns what the skill did. */
export async function runCase(
  bundle: string,
  testCase: SkillCase,
  options: { bare?: boolean } = {},
): Promise<CaseResult> {
  const suite = readCaseSuite(join(BUNDLES_DIR, bundle));
  const report = await runOneCase(suite, { file: testCase.name, testCase }, inProcess(bundle, options.bare ?? false));
  if (!report.result) throw new Error(`${bundle}/${testCase.name}: ${report.problems.join('; ')}`);
  return report.result;
}
