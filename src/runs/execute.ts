/**
 * Executing one skill whose run row exists with status running: input checks, limits, secrets and the run's
 * host, the sandbox, output checks, then `finishRun`. Never throws: every failure becomes the run's outcome.
 */
import type { SandboxResult } from '../runtime/types.ts';
import { type RunSecrets, secretsForRun } from '../secrets/for-run.ts';
import type { RuntimeVersion } from '../skills/runnable.ts';
import type { Parent, RunContext, RunFiles } from './context.ts';
import { failure, finishRun } from './finish.ts';
import { createRunHost } from './host.ts';
import { limitsFor } from './limits.ts';
import { type ArtifactRow, type RunRow, type Target, toArtifact } from './rows.ts';
import type { RunDto } from './schemas.ts';
import { inputError, validateOutput } from './validate.ts';

/** `ctx.callSkill` of a running skill: runs a child of `parent` and resolves with its output. */
export type CallSkill = (
  parent: Parent,
  name: string,
  input: unknown,
  options: { version?: string },
) => Promise<unknown>;

export type ExecuteSkill = (
  row: RunRow,
  parent: Parent,
  target: Target,
  input: unknown,
  files: RunFiles,
  timeoutMs: number,
) => Promise<RunDto>;

/** Why the run cannot start: invalid input, or a version with instructions only. */
function refusal(v: RuntimeVersion, input: unknown, files: RunFiles): SandboxResult | undefined {
  const invalid = inputError(v, input, new Set(files.keys()));
  if (invalid) return failure('failed', invalid.type, invalid.message, invalid.errors);
  if (!v.entrypoint) {
    const message = `${v.name} ${v.version} has instructions only (no entrypoint); an agent reads its SKILL.md instead`;
    return failure('failed', 'not_runnable', message);
  }
  return undefined;
}

/** A succeeded result whose output breaks the declared outputs becomes a skill error. */
function checkOutput(v: RuntimeVersion, result: SandboxResult, pending: ArtifactRow[]): SandboxResult {
  if (result.status !== 'succeeded') return result;
  const written = new Set(pending.flatMap((a) => [a.name, a.id]));
  const errors = validateOutput(v, result.output, written);
  if (errors.length === 0) return result;
  const message = 'The output does not match the declared outputs';
  return { ...failure('failed', 'skill_error', message, errors), logs: result.logs, usage: result.usage };
}

export function createSkillExecutor(k: RunContext, callSkill: CallSkill): ExecuteSkill {
  const { deps, events } = k;

  /** Runs the skill in the sandbox with a host bound to this run. */
  async function sandboxRun(
    row: RunRow,
    parent: Parent,
    target: Target,
    run: {
      input: unknown;
      files: RunFiles;
      timeoutMs: number;
      pending: ArtifactRow[];
      onCall: () => void;
      secrets: RunSecrets;
    },
  ): Promise<SandboxResult> {
    const v = target.version;
    const { redact } = run.secrets;
    const host = createRunHost({
      runId: row.id,
      orgId: row.org_id,
      version: v,
      files: run.files,
      deadline: parent.deadline,
      readResource: (path) => k.targets.readResource(v.id, path),
      blobs: deps.blobs,
      clock: deps.clock,
      pending: run.pending,
      onLog: (line) => events.emit(row.id, { event: 'log', data: redact(line) }),
      onArtifact: (artifact) => {
        // The pending row itself is redacted: it is what gets stored.
        Object.assign(artifact, redact({ name: artifact.name, mime_type: artifact.mime_type }));
        events.emit(row.id, { event: 'artifact', data: toArtifact(artifact) });
      },
      // Children hide this run's secrets too (what it passes them, what they echo back).
      callSkill: (name, childInput, options) => {
        run.onCall();
        return callSkill({ ...parent, redact }, name, childInput, options);
      },
      fetch: deps.fetch,
    });
    const job = {
      runId: row.id,
      skill: { id: target.skillId, name: v.name, version: v.version },
      entrypoint: v.entrypoint!,
      modules: v.modules,
      sourceMaps: v.sourceMaps,
      input: run.input ?? null,
      secrets: run.secrets.values,
      limits: limitsFor(k.maxima, v, run.timeoutMs),
      deadline: parent.deadline,
      depth: parent.depth,
    };
    return deps.sandbox.execute(job, host, parent.signal);
  }

  return async (row, parent, target, input, files, timeoutMs) => {
    const startedMs = performance.now();
    const pending: ArtifactRow[] = [];
    let composed = false;
    events.emit(row.id, { event: 'status', data: { id: row.id, status: 'running' } });
    let result = refusal(target.version, input, files);
    // A refused input was written by the parent run, if any: it may carry the parent's secrets.
    let seal = (r: SandboxResult) => (parent.redact ? parent.redact(r) : r);
    if (!result) {
      try {
        const onCall = () => {
          composed = true;
        };
        const secrets = await secretsForRun(deps.secrets, deps.clock, parent.caller, target, parent.redact);
        seal = secrets.seal;
        if (secrets.notice) events.emit(row.id, { event: 'log', data: secrets.notice });
        result = await sandboxRun(row, parent, target, { input, files, timeoutMs, pending, onCall, secrets });
      } catch (error) {
        deps.logger.error({ err: error, run_id: row.id }, 'sandbox failed');
        result = failure('failed', 'infrastructure_error', 'The sandbox could not run the skill');
      }
      result = checkOutput(target.version, result, pending);
    }
    return finishRun(k, row, seal(result), startedMs, pending, composed);
  };
}
