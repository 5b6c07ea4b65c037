/**
 * Composition: `ctx.callSkill` inside a running skill, and API-level `chain` / `parallel` runs. Each step is a
 * child run (its own row, pointing at its parent) that shares the parent's caller, deadline and cancellation.
 */
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../errors.ts';
import { jsonValueProblem } from '../json-bounds.ts';
import { HostCallError, MAX_INPUT_BYTES, type RunUsage, type SandboxResult } from '../runtime/types.ts';
import type { Parent, RunContext } from './context.ts';
import { type CallSkill, type ExecuteSkill, endChildren } from './execute.ts';
import { failure, finishRun } from './finish.ts';
import { MAX_DEPTH, MAX_TREE_RUNS, timeoutFor } from './limits.ts';
import { EMPTY_USAGE, newRunRow, type RunRow, type Target } from './rows.ts';
import type { RunDto, RunStep } from './schemas.ts';

export type CompositeStep = { step: RunStep; target: Target };

/** Adds a child's usage to its parent's: times add up, the memory peak is the highest. */
function addUsage(total: RunUsage, child: RunDto) {
  total.wall_ms += child.usage.wall_ms;
  total.cpu_ms += child.usage.cpu_ms;
  total.memory_peak_bytes = Math.max(total.memory_peak_bytes, child.usage.memory_peak_bytes);
}

/** A composite fails with the first failing step's status and error type, naming the step. */
const stepFailure = (i: number, child: RunDto, usage: RunUsage): SandboxResult => ({
  status: child.status as SandboxResult['status'],
  error: {
    type: child.error?.type ?? 'skill_error',
    message: `Step ${i + 1} (${child.skill}) ${child.status}: ${child.error?.message ?? ''} (run ${child.id})`,
  },
  logs: [],
  usage,
});

export function createComposition(k: RunContext, execute: ExecuteSkill) {
  const { deps, events, store } = k;

  /**
   * Starts a child run under `parent` and waits for it. The tree's run cap and the input's bounds are checked
   * before any row is written; the child is tracked by its parent, which cancels it if it ends first.
   */
  function runChild(parent: Parent, target: Target, input: unknown): Promise<RunDto> {
    const problem = jsonValueProblem(input);
    if (problem) throw new HostCallError('skill_error', `The input of ${target.skillName} ${problem}`);
    if (JSON.stringify(input ?? null).length > MAX_INPUT_BYTES) {
      throw new HostCallError(
        'limit_exceeded',
        `The input of ${target.skillName} is larger than ${MAX_INPUT_BYTES} bytes`,
      );
    }
    if (parent.tree.runs >= MAX_TREE_RUNS) {
      throw new HostCallError('limit_exceeded', `The run started more than ${MAX_TREE_RUNS} runs below it`);
    }
    parent.tree.runs++;
    const child = startChild(parent, target, input);
    parent.children.add(child);
    void child.finally(() => parent.children.delete(child));
    return child;
  }

  async function startChild(parent: Parent, target: Target, input: unknown): Promise<RunDto> {
    const row = newRunRow(parent.caller, deps.clock.now(), {
      id: uuidv7(),
      status: 'running',
      // The parent's code wrote this input: it may carry the parent's secrets.
      input_json: parent.redact ? parent.redact(input ?? null) : (input ?? null),
      parent_run_id: parent.runId,
      kind: 'skill',
      depth: parent.depth + 1,
      target,
    });
    await store.insertRun(row);
    events.open(row.id);
    events.emit(parent.runId, { event: 'child', data: { id: row.id, skill: target.skillName, status: 'running' } });
    const child: Parent = { ...parent, runId: row.id, depth: parent.depth + 1, children: new Set() };
    const remaining = Math.max(1, parent.deadline - Date.now());
    const timeoutMs = Math.min(timeoutFor(k.maxima, undefined, target.version), remaining);
    const dto = await execute(row, child, target, input, new Map(), timeoutMs);
    events.emit(parent.runId, { event: 'child', data: { id: dto.id, skill: dto.skill, status: dto.status } });
    return dto;
  }

  const callSkill: CallSkill = async (parent, name, input, options) => {
    if (parent.depth + 1 > MAX_DEPTH) {
      throw new HostCallError('limit_exceeded', `callSkill nests deeper than ${MAX_DEPTH} runs`);
    }
    let target: Target;
    try {
      target = await k.targets.resolve(parent.caller, name, options.version);
    } catch (error) {
      if (error instanceof AppError) throw new HostCallError('skill_error', `callSkill: ${error.message}`);
      throw error;
    }
    const child = await runChild(parent, target, input);
    if (child.status === 'succeeded') return child.output;
    const type = child.error?.type ?? 'skill_error';
    throw new HostCallError(
      type === 'invalid_input' || type === 'not_runnable' ? 'skill_error' : type,
      `callSkill("${name}") ${child.status}: ${child.error?.message ?? 'no output'} (run ${child.id})`,
    );
  };

  /** Steps one after another; each step's output is the next one's input. */
  async function chain(parent: Parent, steps: CompositeStep[], input: unknown, usage: RunUsage) {
    let current: unknown = steps[0]?.step.input ?? input;
    let result: SandboxResult = { status: 'succeeded', output: null, logs: [], usage };
    for (const [i, { target }] of steps.entries()) {
      const child = await runChild(parent, target, current);
      addUsage(usage, child);
      if (child.status !== 'succeeded') return stepFailure(i, child, usage);
      current = child.output;
      result = { status: 'succeeded', output: current, logs: [], usage };
    }
    return result;
  }

  /** Steps at once; the output is the array of their outputs. */
  async function parallel(parent: Parent, steps: CompositeStep[], input: unknown, usage: RunUsage) {
    const children = await Promise.all(steps.map(({ step, target }) => runChild(parent, target, step.input ?? input)));
    for (const child of children) addUsage(usage, child);
    const failed = children.findIndex((c) => c.status !== 'succeeded');
    if (failed >= 0) return stepFailure(failed, children[failed]!, usage);
    return { status: 'succeeded', output: children.map((c) => c.output), logs: [], usage } satisfies SandboxResult;
  }

  /** An API-level chain or parallel run: a parent row whose children are the steps. Never throws. */
  async function runComposite(row: RunRow, parent: Parent, steps: CompositeStep[], input: unknown) {
    const startedMs = performance.now();
    events.emit(row.id, { event: 'status', data: { id: row.id, status: 'running' } });
    let result: SandboxResult;
    const ended = new AbortController();
    const scope: Parent = { ...parent, signal: AbortSignal.any([parent.signal, ended.signal]), children: new Set() };
    try {
      const usage = { ...EMPTY_USAGE };
      result =
        row.kind === 'chain' ? await chain(scope, steps, input, usage) : await parallel(scope, steps, input, usage);
    } catch (error) {
      if (error instanceof HostCallError) result = failure('failed', error.type, error.message);
      else {
        deps.logger.error({ err: error, run_id: row.id }, 'composite run failed');
        result = failure('failed', 'infrastructure_error', 'The composite run could not be completed');
      }
    } finally {
      await endChildren(scope, ended);
    }
    return finishRun(k, row, result, startedMs, [], true);
  }

  return { callSkill, runComposite };
}

export type Composition = ReturnType<typeof createComposition>;
