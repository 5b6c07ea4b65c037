/**
 * Runs a bundle's test cases on this machine in the real sandbox (isolated-vm isolates in worker processes),
 * with a local host: files from the case, resources from the bundle folder, artifacts kept in memory, network
 * denied and no composition (cases that `require` other skills are skipped).
 */

import { AppError } from '../errors.ts';
import { runLimits } from '../runs/limits.ts';
import { inputError } from '../runtime/io-validation.ts';
import { buildModuleMap, moduleKey } from '../runtime/module-map.ts';
import { emptyUsage } from '../runtime/protocol.ts';
import { createSandbox } from '../runtime/sandbox.ts';
import { HostCallError, type Sandbox, type SandboxHost, type SandboxResult } from '../runtime/types.ts';
import { type Bundle, buildBundle, sha256Hex } from '../skills/bundle.ts';
import { packSkillDir } from '../skills/pack.ts';
import { type CaseExecutor, type CaseReport, type CaseSuite, runCases } from '../skills/test-cases.ts';
import { CliError } from './output.ts';

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
  const { modules, sourceMaps } = buildModuleMap(bundle.files);
  const entry = bundle.manifest.entrypoint;
  return { bundle, entrypoint: entry ? moduleKey(entry) : undefined, modules, sourceMaps, bundled: packed.bundled };
}

export interface LocalArtifact {
  name: string;
  mimeType: string;
  size: number;
  data: Uint8Array;
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

/** What one case did in the local sandbox: the sandbox's result and the artifacts kept in memory. */
export interface LocalCaseResult extends SandboxResult {
  artifacts: LocalArtifact[];
}

/** Executes cases in `box` with a local host; cases that call other skills are skipped. */
function localExecutor(dir: string, skill: LocalSkill, box: Sandbox): CaseExecutor<LocalCaseResult> {
  const { manifest } = skill.bundle;
  return {
    skip: (testCase) =>
      testCase.requires?.length
        ? `calls ${testCase.requires.join(', ')}; runs on the server only (open-skills publish)`
        : undefined,
    async execute(testCase, files) {
      const artifacts: LocalArtifact[] = [];
      const invalid = inputError(manifest, testCase.input, new Set(files.keys()));
      if (invalid) return { status: 'failed', error: invalid, logs: [], usage: emptyUsage(), artifacts };
      const timeoutMs = manifest.timeoutMs ?? 30_000;
      const result = await box.execute(
        {
          runId: `local-${testCase.name}`,
          skill: { id: 'local', name: manifest.name, version: manifest.version ?? '0.0.0' },
          entrypoint: skill.entrypoint!,
          modules: skill.modules,
          sourceMaps: skill.sourceMaps,
          input: testCase.input ?? {},
          secrets: {},
          limits: runLimits(manifest.memoryMb ?? 64, timeoutMs),
          deadline: Date.now() + timeoutMs,
          depth: 0,
        },
        localHost(dir, skill, files, artifacts),
      );
      return { ...result, artifacts };
    },
  };
}

/** Runs every case of `suite` in the local sandbox (`sandbox`, or one of its own); `onCase` hears of each. */
export async function runLocalCases(
  dir: string,
  skill: LocalSkill,
  suite: CaseSuite,
  onCase: (report: CaseReport<LocalCaseResult>) => void = () => {},
  sandbox?: Sandbox,
): Promise<CaseReport<LocalCaseResult>[]> {
  if (!skill.entrypoint) throw new CliError(`${dir}: SKILL.md has no entrypoint, so there is nothing to run`);
  const own = sandbox ? undefined : createSandbox({ size: 1, warmIsolates: 1 });
  try {
    return await runCases(suite, localExecutor(dir, skill, (sandbox ?? own)!), onCase);
  } finally {
    await own?.close();
  }
}
