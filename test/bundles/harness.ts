/**
 * Runs the example skills in bundles/ the way the sandbox will, but in-process: each bundle is built with
 * bundleSkill (one ES module), written to a temp file and imported, and its `run` is called with a fake ctx that
 * keeps files, resources and artifacts in memory. The same tests/*.json cases later run on the real server.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createContext, Script } from 'node:vm';
import { transform } from 'esbuild';
import { type BundledSkill, bundleSkill } from '../../bundles/build.ts';
import { type ParsedSkillMd, parseSkillMd } from '../../src/skills/manifest.ts';

export const BUNDLES_DIR = join(import.meta.dirname, '../../bundles');

export interface SkillCase {
  name: string;
  input: Record<string, unknown>;
  files?: Record<string, { text: string } | { base64: string } | { path: string }>;
  /** Skills this case calls through ctx.callSkill; the server must have them installed. */
  requires?: string[];
  expect: {
    status: 'succeeded' | 'failed';
    output?: unknown;
    output_contains?: unknown;
    error_type?: string;
    error_message_contains?: string;
    artifacts?: { name: string; mimeType?: string; min_size?: number }[];
  };
}

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
  error?: { type: string; message: string };
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

export function listCases(dir: string): { file: string; testCase: SkillCase }[] {
  const testsDir = join(dir, 'tests');
  if (!existsSync(testsDir)) return [];
  return readdirSync(testsDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, testCase: JSON.parse(readFileSync(join(testsDir, file), 'utf8')) as SkillCase }));
}

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
const built = new Map<string, Promise<{ bundle: BundledSkill; run: RunFunction }>>();
const tempDir = mkdtempSync(join(tmpdir(), 'open-skills-bundles-'));

/** Builds and imports a bundle once per test process. */
export function loadSkill(name: string): Promise<{ bundle: BundledSkill; run: RunFunction }> {
  let loading = built.get(name);
  if (!loading) {
    loading = (async () => {
      const bundle = await bundleSkill(join(BUNDLES_DIR, name));
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

function caseFiles(dir: string, files: SkillCase['files']): Map<string, Uint8Array> {
  const result = new Map<string, Uint8Array>();
  for (const [name, spec] of Object.entries(files ?? {})) {
    if ('text' in spec) result.set(name, new TextEncoder().encode(spec.text));
    else if ('base64' in spec) result.set(name, new Uint8Array(Buffer.from(spec.base64, 'base64')));
    else result.set(name, new Uint8Array(readFileSync(join(dir, 'tests', spec.path))));
  }
  return result;
}

/** Mirrors the server's input check against the declared inputs: required fields and JSON types. */
function validateInput(info: BundleInfo, input: Record<string, unknown>): string | undefined {
  for (const field of info.parsed.manifest.inputs ?? []) {
    const value = input[field.name];
    if (value === undefined) {
      if (field.required) return `input "${field.name}" is required`;
      continue;
    }
    const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    const expected = field.type === 'file' ? 'string' : field.type;
    if (actual !== expected) return `input "${field.name}" must be ${field.type}, got ${actual}`;
  }
  return undefined;
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
  const invalid = validateInput(info, input);
  if (invalid) throw new FakeHostError('invalid_input', invalid);
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
  ) {
    super(message);
  }
}

export async function runCase(
  bundle: string,
  testCase: SkillCase,
  options: { bare?: boolean } = {},
): Promise<CaseResult> {
  const state: RunState = { artifacts: [], logs: [], depth: 0, bare: options.bare ?? false };
  const files = caseFiles(join(BUNDLES_DIR, bundle), testCase.files);
  try {
    const output = await runSkill(bundle, testCase.input, files, state);
    return { status: 'succeeded', output, artifacts: state.artifacts, logs: state.logs };
  } catch (error) {
    const type = error instanceof FakeHostError ? error.type : 'skill_error';
    return {
      status: 'failed',
      error: { type, message: String((error as Error).message) },
      artifacts: state.artifacts,
      logs: state.logs,
    };
  }
}

/**
 * Deep-partial match: every key of an expected object must match in the actual object; an expected array
 * matches an actual array of at least its length, element by element; other values must be equal.
 */
export function matchesPartial(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length >= expected.length &&
      expected.every((item, i) => matchesPartial(actual[i], item))
    );
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([key, value]) =>
      matchesPartial((actual as Record<string, unknown>)[key], value),
    );
  }
  return Object.is(actual, expected);
}
