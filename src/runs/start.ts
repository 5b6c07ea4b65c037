/**
 * Starting and cancelling runs. A run row is written before anything can fail; after that every problem is a run
 * outcome, never an exception. Runs in flight in this process are tracked so they can be cancelled and drained.
 */
import { v7 as uuidv7 } from 'uuid';
import { auditValues, recordAudit } from '../audit/audit.ts';
import { type Caller, hasRole } from '../auth/caller.ts';
import { AppError } from '../errors.ts';
import { jsonValueProblem } from '../json-bounds.ts';
import { MAX_INPUT_BYTES } from '../runtime/types.ts';
import type { CompositeStep, Composition } from './compose.ts';
import type { Parent, RunContext, RunFiles } from './context.ts';
import type { ExecuteSkill } from './execute.ts';
import { timeoutFor } from './limits.ts';
import type { RunQueries } from './queries.ts';
import { isFinal, newRunRow, type RunRow, type Target, toRun } from './rows.ts';
import type { RunDto, RunRequest } from './schemas.ts';

interface LiveRun {
  controller: AbortController;
  done: Promise<RunDto>;
}

export function createRunStarter(
  k: RunContext,
  parts: { execute: ExecuteSkill; composition: Composition; queries: RunQueries },
) {
  const { deps, store, events } = k;
  const live = new Map<string, LiveRun>();

  /** Everything a run executes, resolved before its row is written: unknown skills are not_found, not runs. */
  async function resolve(caller: Caller, request: RunRequest) {
    const target = request.skill ? await k.targets.resolve(caller, request.skill, request.version) : undefined;
    const steps: CompositeStep[] = await Promise.all(
      (request.chain ?? request.parallel ?? []).map(async (step) => ({
        step,
        target: await k.targets.resolve(caller, step.skill, step.version),
      })),
    );
    return { target, steps };
  }

  /** Inputs past the size limit or that the database cannot store are refused before a row is written. */
  function checkInputs(request: RunRequest): void {
    const inputs: [string, unknown][] = [
      ['body.input', request.input],
      ...(request.chain ?? request.parallel ?? []).map((s, i): [string, unknown] => [`body.steps.${i}.input`, s.input]),
    ];
    for (const [field, input] of inputs) {
      const bytes = Buffer.byteLength(JSON.stringify(input ?? null));
      if (bytes > MAX_INPUT_BYTES) {
        throw new AppError('payload_too_large', `The input is ${bytes} bytes; at most ${MAX_INPUT_BYTES} are allowed`, {
          errors: [{ field, message: `larger than ${MAX_INPUT_BYTES} bytes` }],
        });
      }
      const problem = jsonValueProblem(input);
      if (problem)
        throw new AppError('invalid_request', `The input ${problem}`, { errors: [{ field, message: problem }] });
    }
  }

  /** Runs a started row to its end (a queued one is marked running first). */
  async function execute(
    caller: Caller,
    row: RunRow,
    request: RunRequest,
    plan: { target?: Target; steps: CompositeStep[]; files: RunFiles; timeoutMs: number; signal: AbortSignal },
  ): Promise<RunDto> {
    try {
      if (row.status === 'queued') {
        row.started_at = deps.clock.now();
        row.status = 'running';
        await store.markRunning(row.id, row.started_at);
      }
      const parent: Parent = {
        caller,
        runId: row.id,
        deadline: Date.now() + plan.timeoutMs,
        depth: 0,
        signal: plan.signal,
        tree: { rootRunId: row.id, runs: 0 },
        children: new Set(),
      };
      return plan.target
        ? await parts.execute(row, parent, plan.target, request.input, plan.files, plan.timeoutMs)
        : await parts.composition.runComposite(row, parent, plan.steps, request.input);
    } finally {
      live.delete(row.id);
    }
  }

  return {
    /**
     * Starts a run. Sync: resolves with the finished run (201). Async: resolves at once with the queued run (202).
     * Unknown skills and versions are not_found; everything after the row is written is a run outcome.
     */
    async start(caller: Caller, request: RunRequest, files: RunFiles = new Map()) {
      // Any member runs what they can see; drafts need an author or higher (checked where targets resolve).
      if (deps.sandbox.unavailable) throw new AppError('unavailable', deps.sandbox.unavailable);
      checkInputs(request);
      const { target, steps } = await resolve(caller, request);
      const timeoutMs = timeoutFor(k.maxima, request.timeout_ms, target?.version);
      const row = newRunRow(caller, deps.clock.now(), {
        id: uuidv7(),
        status: request.async ? 'queued' : 'running',
        input_json: request.input ?? null,
        parent_run_id: null,
        kind: request.chain ? 'chain' : request.parallel ? 'parallel' : 'skill',
        depth: 0,
        target,
      });
      const controller = new AbortController();
      // The row and its audit entry in one statement (one round trip on the hot path).
      await store.insertRun(
        row,
        deps.db,
        auditValues(deps.clock, caller, {
          action: 'run.start',
          targetType: 'run',
          targetId: row.id,
          data: { skill: row.skill_name ?? row.kind, version: row.version, async: Boolean(request.async) },
        }),
      );
      events.open(row.id);
      const done = execute(caller, row, request, { target, steps, files, timeoutMs, signal: controller.signal });
      live.set(row.id, { controller, done });
      if (request.async) {
        done.catch((error) => deps.logger.error({ err: error, run_id: row.id }, 'async run failed'));
        return { status: 202 as const, run: toRun(row, []) };
      }
      return { status: 201 as const, run: await done };
    },

    /** Cancels a queued or running run; answers with the run once it has ended. */
    async cancel(caller: Caller, id: string): Promise<RunDto> {
      const row = await parts.queries.getRow(caller, id);
      if (row.user_id !== caller.userId && !hasRole(caller, 'admin')) {
        throw new AppError('forbidden', 'Only the member who started a run, or an admin, may cancel it');
      }
      if (isFinal(row.status)) throw new AppError('conflict', `Run ${id} already ended with status ${row.status}`);
      await recordAudit(deps.db, deps.clock, caller, { action: 'run.cancel', targetType: 'run', targetId: id });
      const running = live.get(id);
      if (running) {
        running.controller.abort();
        return running.done;
      }
      // Not running in this process (another replica, or a restart): mark it in the database.
      await store.cancelIfOpen(id, deps.clock.now());
      return parts.queries.get(caller, id);
    },

    /** Waits for the runs in flight in this process (async ones included). */
    async drain(): Promise<void> {
      await Promise.allSettled([...live.values()].map((r) => r.done));
    },
  };
}
