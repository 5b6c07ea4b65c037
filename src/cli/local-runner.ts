/**
 * Runs a bundle's test cases on this machine in the real sandbox (isolated-vm isolates in worker processes),
 * with a local host: files from the case, resources from the bundle folder, artifacts kept in memory, network
 * denied and no composition (cases that `require` other skills are skipped).
 */

import { AppError } from '../errors.ts';
import { runLimits } from '../runs/limits.ts';
import { createSandbox } from '../runtime/sandbox.ts';
import { HostCallError, type Sandbox, type SandboxHost, type SandboxResult } from '../runtime/types.ts';
import { type Bundle, buildBundle, sha256Hex } from '../skills/bundle.ts';
import { packSkillDir } from '../skills/pack.ts';
import { type CaseOutcome, caseFiles, checkInput, checkOutcome, type SkillCase } from './cases.ts';
import { CliError } from './output.ts';

const jsKey = (path: string) => path.replace(/\.(m|c)?ts$/, '.js');

export interface LocalSkill {
  bundle: Bundle;
  entrypoint?: string;
  modules: Record<string, string>;
  sourceMaps: Record<string, string>;
  /** Bare imports that were bundled into the entrypoint. */
  bundled: string[];
}

/** Packs the folder like `pack --bundle-deps` would when needed, validates it and collects its modules. */
export async function loadLocalSkill(dir: string): Promise<LocalSkill> {
  const packed = await packSkillDir(dir, { bundleDeps: 'auto' });
  let bundle: Bundle;
  try {
    bundle = await buildBundle(packed.files);
  } catch (error) {
    if (error instanceof AppError) {
      throw new CliError(`${dir}: ${error.message} (run "open-skills validate ${dir}")`, 1, error.options.errors);
    }
    throw error;
  }
  const modules: Record<string, string> = {};
  const sourceMaps: Record<string, string> = {};
  for (const file of bundle.files) {
    if (file.compiledJs !== undefined) {
      modules[jsKey(file.path)] ??= file.compiledJs;
      if (file.sourceMap) sourceMaps[jsKey(file.path)] = file.sourceMap;
    }
  }
  // A real .js file (such as the entrypoint bundled with its dependencies) wins over a transpiled .ts twin.
  for (const file of bundle.files) {
    if (/\.m?js$/.test(file.path)) {
      modules[file.path] = new TextDecoder().decode(file.data);
      delete sourceMaps[file.path];
    }
  }
  const entry = bundle.manifest.entrypoint;
  return {
    bundle,
    entrypoint: entry ? jsKey(entry) : undefined,
    modules,
    sourceMaps,
    bundled: packed.bundled,
  };
}

export interface LocalArtifact {
  name: string;
  mimeType: string;
  size: number;
  data: Uint8Array;
}

export interface LocalCaseResult {
  file: string;
  name: string;
  outcome: 'passed' | 'failed' | 'skipped';
  problems: string[];
  note?: string;
  durationMs: number;
  result?: SandboxResult;
  artifacts: LocalArtifact[];
}

function localHost(dir: string, skill: LocalSkill, files: Map<string, Uint8Array>, artifacts: LocalArtifact[]) {
  const resources = new Map(skill.bundle.files.map((f) => [f.path, f.data]));
  const host: SandboxHost = {
    async readFile(name) {
      const data = files.get(name);
      if (!data) {
        const sent = [...files.keys()].join(', ') || 'none';
        throw new HostCallError('invalid_input', `No file "${name}" was sent with the run (files: ${sent})`);
      }
      return data;
    },
    async readResource(path) {
      const data = resources.get(path.replace(/^\.?\//, ''));
      if (!data) throw new HostCallError('skill_error', `No resource "${path}" in ${dir}`);
      return data;
    },
    async writeArtifact(name, data, mimeType) {
      artifacts.push({ name, mimeType, size: data.byteLength, data });
      return {
        id: `local-${artifacts.length}`,
        name,
        size: data.byteLength,
        mimeType,
        sha256: sha256Hex(data),
      };
    },
    async fetch(request) {
      throw new HostCallError(
        'network_denied',
        `ctx.fetch(${request.url}) is not available in local tests; network calls run only on the server ` +
          '(SKILL.md allow_network + network_allowlist)',
      );
    },
    async callSkill(name) {
      throw new HostCallError(
        'not_runnable',
        `ctx.callSkill("${name}") is not available in local tests; list it in the case's "requires" to run the case only on the server`,
      );
    },
    log() {},
  };
  return host;
}

/** Runs every case; `onCase` is told about each as it finishes. */
export async function runLocalCases(
  dir: string,
  skill: LocalSkill,
  cases: { file: string; testCase: SkillCase }[],
  onCase: (result: LocalCaseResult) => void = () => {},
  sandbox?: Sandbox,
): Promise<LocalCaseResult[]> {
  const { manifest } = skill.bundle;
  if (!skill.entrypoint) throw new CliError(`${dir}: SKILL.md has no entrypoint, so there is nothing to run`);
  const own = sandbox ? undefined : createSandbox({ size: 1, concurrency: 1, warmIsolates: 1 });
  const box = sandbox ?? own!;
  const results: LocalCaseResult[] = [];
  try {
    for (const { file, testCase } of cases) {
      const started = performance.now();
      const base = { file, name: testCase.name, problems: [] as string[], artifacts: [] as LocalArtifact[] };
      let caseResult: LocalCaseResult;
      if (testCase.requires?.length) {
        caseResult = {
          ...base,
          outcome: 'skipped',
          note: `calls ${testCase.requires.join(', ')}; runs on the server only (open-skills publish)`,
          durationMs: 0,
        };
      } else {
        const artifacts: LocalArtifact[] = [];
        const invalid = checkInput(manifest.inputs, testCase.input);
        const timeoutMs = manifest.timeoutMs ?? 30_000;
        const result: SandboxResult = invalid
          ? {
              status: 'failed',
              error: { type: 'invalid_input', message: invalid },
              logs: [],
              usage: { wall_ms: 0, cpu_ms: 0, memory_peak_bytes: 0 },
            }
          : await box.execute(
              {
                runId: `local-${file}`,
                skill: { id: 'local', name: manifest.name, version: manifest.version ?? '0.0.0' },
                entrypoint: skill.entrypoint,
                modules: skill.modules,
                sourceMaps: skill.sourceMaps,
                input: testCase.input ?? {},
                secrets: {},
                limits: runLimits(manifest.memoryMb ?? 64, timeoutMs),
                deadline: Date.now() + timeoutMs,
                depth: 0,
              },
              localHost(dir, skill, caseFiles(dir, testCase), artifacts),
            );
        const outcome: CaseOutcome = {
          status: result.status,
          output: result.output,
          error: result.error,
          artifacts,
        };
        const problems = checkOutcome(testCase, outcome);
        caseResult = {
          ...base,
          outcome: problems.length ? 'failed' : 'passed',
          problems,
          durationMs: Math.round(performance.now() - started),
          result,
          artifacts,
        };
      }
      results.push(caseResult);
      onCase(caseResult);
    }
  } finally {
    await own?.close();
  }
  return results;
}
