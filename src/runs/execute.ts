/**
 * Executing one skill whose run row exists with status running: limits, secrets and the run's host, the sandbox
 * (which checks the input and the output against the declared ones, off the API's event loop), then `finishRun`.
 * Never throws: every failure becomes the run's outcome. Children the skill started and did not await are
 * cancelled when it ends, and its row is final only after theirs.
 */
import type { SandboxJob, SandboxResult } from '../runtime/types.ts';
import { type RunSecrets, secretsForRun } from '../secrets/for-run.ts';
import type { RuntimeVersion } from '../skills/runnable.ts';
import type { Parent, RunContext, RunFiles } from './context.ts';
import { failure, finishRun } from './finish.ts';
import { createRunHost } from './host.ts';
import { limitsFor } from './limits.ts';
import { type ArtifactRow, type RunRow, type Target, toArtifact } from './rows.ts';
import type { RunDto } from './schemas.ts';

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

/** A version with instructions only cannot run. */
function notRunnable(v: RuntimeVersion): SandboxResult | undefined {
  if (v.entrypoint) return undefined;
  const message = `${v.name} ${v.version} has instructions only (no entrypoint); an agent reads its SKILL.md instead`;
  return failure('failed', 'not_runnable', message);
}

/** A copy of `parent` whose children are cancelled by `ended` too. */
function scopeOf(parent: Parent, ended: AbortSignal): Parent {
  return { ...parent, signal: AbortSignal.any([parent.signal, ended]), children: new Set() };
}

/** Ends the children a run left behind: cancels them and waits until each has its final row. */
export async function endChildren(scope: Parent, ended: AbortController): Promise<void> {
  ended.abort();
  await Promise.allSettled([...scope.children]);
}

export function createSkillExecutor(k: RunContext, callSkill: CallSkill): ExecuteSkill {
  const { deps, events } = k;

  /** Runs the skill in the sandbox with a host bound to this run. */
  async function sandboxRun(
    row: RunRow,
    scope: Parent,
    target: Target,
    run: {
      input: unknown;
      files: RunFiles;
      timeoutMs: number;
      pending: ArtifactRow[];
      onCall: () => void;
      ended: AbortController;
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
      deadline: scope.deadline,
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
        return callSkill({ ...scope, redact }, name, childInput, options);
      },
      fetch: deps.fetch,
    });
    const { inputs, outputs, inputSchema, outputSchema } = v;
    const job: SandboxJob = {
      runId: row.id,
      skill: { id: target.skillId, name: v.name, version: v.version },
      entrypoint: v.entrypoint!,
      modules: v.modules,
      sourceMaps: v.sourceMaps,
      input: run.input ?? null,
      secrets: run.secrets.values,
      limits: limitsFor(k.maxima, v, run.timeoutMs),
      deadline: scope.deadline,
      depth: scope.depth,
      tenant: row.org_id,
      parentRunId: row.parent_run_id ?? undefined,
      treeId: scope.tree.rootRunId,
      io: { contract: { inputs, outputs, inputSchema, outputSchema }, files: [...run.files.keys()] },
    };
    try {
      return await deps.sandbox.execute(job, host, scope.signal);
    } finally {
      // Children still running are cancelled, then host calls still in flight (an artifact write or a child the
      // skill did not await) end with the run.
      run.ended.abort();
      await host.close();
    }
  }

  return async (row, parent, target, input, files, timeoutMs) => {
    const startedMs = performance.now();
    const pending: ArtifactRow[] = [];
    let composed = false;
    events.emit(row.id, { event: 'status', data: { id: row.id, status: 'running' } });
    let result = notRunnable(target.version);
    // What the run stores may carry secrets: its own, and its parent's (an input the parent wrote).
    let seal = (r: SandboxResult) => (parent.redact ? parent.redact(r) : r);
    if (!result) {
      const ended = new AbortController();
      const scope = scopeOf(parent, ended.signal);
      try {
        const onCall = () => {
          composed = true;
        };
        const secrets = await secretsForRun(deps.secrets, deps.clock, parent.caller, target, parent.redact);
        seal = secrets.seal;
        if (secrets.notice) events.emit(row.id, { event: 'log', data: secrets.notice });
        result = await sandboxRun(row, scope, target, { input, files, timeoutMs, pending, onCall, ended, secrets });
      } catch (error) {
        deps.logger.error({ err: error, run_id: row.id }, 'sandbox failed');
        result = failure('failed', 'infrastructure_error', 'The sandbox could not run the skill');
      } finally {
        await endChildren(scope, ended);
      }
    }
    return finishRun(k, row, seal(result), startedMs, pending, composed);
  };
}
