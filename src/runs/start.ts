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
import { failure, finishRun } from './finish.ts';
import { timeoutFor } from './limits.ts';
import { runStateLogged } from './observe.ts';
import type { RunQueries } from './queries.ts';
import { cancelElsewhere, claimRun, failLostRun, type JobAttempt, type RunJob, storeRunFiles } from './queued.ts';
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
  /** Queued runs live here whose job goes back to the queue when they end (a shutdown past its grace). */
  const handingBack = new Set<string>();
  /** Queued runs live here (their job is held by this replica). */
  const jobRuns = new Set<string>();

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

  /** Writes the run row and its audit record (and, for a queued run, its job) in one transaction. */
  /** The run row and its audit entry in one statement (one round trip on the hot path); with its job when queued. */
  async function record(caller: Caller, row: RunRow, request: RunRequest, job?: RunJob) {
    const audit = auditValues(deps.clock, caller, {
      action: 'run.start',
      targetType: 'run',
      targetId: row.id,
      data: { skill: row.skill_name ?? row.kind, version: row.version, async: Boolean(request.async) },
    });
    if (!job) return store.insertRun(row, deps.db, audit);
    await deps.db.transaction(async (q) => {
      await store.insertRun(row, q, audit);
      await deps.queued!.queue.enqueue(job, { timeoutMs: job.timeoutMs }, q);
    });
  }

  /** The final run, once the replica executing it has ended it (RUN_MODE=queue, synchronous requests). */
  async function waitForEnd(caller: Caller, id: string): Promise<RunDto> {
    const ended = async () => {
      const row = await store.getRun(caller.orgId, id);
      return row && isFinal(row.status)
        ? [{ event: 'done' as const, data: await parts.queries.get(caller, id) }]
        : undefined;
    };
    for await (const event of deps.queued!.eventLog.tail(id, ended)) {
      if (event.event === 'done') return event.data;
    }
    return parts.queries.get(caller, id);
  }

  /** Queues a run whose row is built: its files go to the blob store, its row and job are written together. */
  async function startQueued(caller: Caller, row: RunRow, request: RunRequest, files: RunFiles, timeoutMs: number) {
    const { input: _input, ...rest } = request;
    const job: RunJob = {
      runId: row.id,
      caller: { userId: caller.userId, orgId: caller.orgId, role: caller.role, tokenId: caller.tokenId },
      request: rest,
      files: await storeRunFiles(deps.blobs, row.id, files),
      timeoutMs,
    };
    await record(caller, row, request, job);
    runStateLogged(deps.logger, row, 'queued', caller);
    if (request.async) return { status: 202 as const, run: toRun(row, []) };
    return { status: 201 as const, run: await waitForEnd(caller, row.id) };
  }

  /** A queued run handed back on shutdown goes back to `queued`, as if no replica had taken it. */
  async function requeue(id: string) {
    await deps.db.query(
      `update skill_runs set status = 'queued', started_at = null, finished_at = null, error = null,
         error_type = null, output_json = null, duration_ms = null, logs = '[]', usage = null where id = $1`,
      [id],
    );
  }

  /** Job handlers in flight (their run, then its events, clean-up or hand-back), for `drain`. */
  const handlers = new Set<Promise<void>>();

  /** Executes the run of a job this replica took from the queue. */
  function executeJob(job: RunJob, attempt: JobAttempt): Promise<void> {
    const handled = executeJobRun(job, attempt);
    const tracked = handled.catch(() => {});
    handlers.add(tracked);
    void tracked.finally(() => handlers.delete(tracked));
    return handled;
  }

  async function executeJobRun(job: RunJob, attempt: JobAttempt): Promise<void> {
    const { caller, runId } = job;
    const queued = deps.queued!;
    const dropFiles = () => Promise.allSettled(job.files.map(([, key]) => deps.blobs.delete(key)));
    const existing = await store.getRun(caller.orgId, runId);
    // Cancelled while it waited, or ended by a replica that then died before the queue heard of it.
    if (!existing || isFinal(existing.status)) {
      await dropFiles();
      return;
    }
    if (attempt.retryCount > 0) deps.logger.warn({ run_id: runId, attempt: attempt.retryCount + 1 }, 'run retried');
    const row = await claimRun(deps.db, runId, deps.clock.now());
    if (!row) return;
    runStateLogged(deps.logger, row, 'started');
    deps.metrics?.queueWait((row.started_at!.getTime() - row.created_at.getTime()) / 1000);
    const firstSeq = await queued.eventLog.nextSeq(runId);
    events.open(runId, (event) => {
      if (event.event === 'done' && handingBack.has(runId)) return;
      queued.eventLog.append(runId, event, firstSeq);
    });
    const request = { ...job.request, input: row.input_json } as RunRequest;
    const controller = new AbortController();
    attempt.signal.addEventListener('abort', () => controller.abort(), { once: true });
    let done: Promise<RunDto>;
    try {
      const { target, steps } = await resolve(caller, request);
      const files = new Map(
        await Promise.all(job.files.map(async ([name, key]) => [name, await deps.blobs.get(key)] as const)),
      );
      done = execute(caller, row, request, {
        target,
        steps,
        files,
        timeoutMs: job.timeoutMs,
        signal: controller.signal,
      });
    } catch (error) {
      // The skill or version went away, or the files did, after the run was accepted.
      const message = error instanceof AppError ? error.message : 'The run could not be prepared';
      done = finishRun(k, row, failure('failed', 'infrastructure_error', message), performance.now(), []);
    }
    live.set(runId, { controller, done });
    jobRuns.add(runId);
    try {
      await done;
      await queued.eventLog.flushed(runId);
    } finally {
      live.delete(runId);
      jobRuns.delete(runId);
    }
    if (handingBack.delete(runId)) {
      await requeue(runId);
      throw new Error(`run ${runId} handed back to the queue on shutdown`);
    }
    await dropFiles();
  }

  return {
    executeJob,

    /** The job of a run failed past its retry (its replicas died): the run ends, its files go. */
    async endLostJob(job: RunJob): Promise<void> {
      await failLostRun(deps.db, job, deps.clock.now(), deps.logger);
      await Promise.allSettled(job.files.map(([, key]) => deps.blobs.delete(key)));
    },

    /**
     * Hands the queued runs still live here back to the queue (a shutdown past its grace period): each is
     * stopped, its row reset to queued and its job failed, so another replica runs it again.
     */
    async handBack(): Promise<void> {
      const mine = [...jobRuns];
      for (const id of mine) {
        handingBack.add(id);
        live.get(id)?.controller.abort();
      }
      await Promise.allSettled(mine.map((id) => live.get(id)?.done));
    },

    /** Cancels a run live in this process (asked by another replica); false when it is not here. */
    cancelLive(id: string): boolean {
      const running = live.get(id);
      running?.controller.abort();
      return Boolean(running);
    },

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
      const viaQueue = deps.queued !== undefined && (request.async || deps.queued.all);
      const row = newRunRow(caller, deps.clock.now(), {
        id: uuidv7(),
        status: request.async || viaQueue ? 'queued' : 'running',
        input_json: request.input ?? null,
        parent_run_id: null,
        kind: request.chain ? 'chain' : request.parallel ? 'parallel' : 'skill',
        depth: 0,
        target,
      });
      if (viaQueue) return startQueued(caller, row, request, files, timeoutMs);
      const controller = new AbortController();
      await record(caller, row, request);
      runStateLogged(deps.logger, row, row.status === 'queued' ? 'queued' : 'started', caller);
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
      if (deps.queued) {
        // Queued, or running on another replica: off the queue, or cancelled by the replica that runs it.
        await cancelElsewhere(deps.db, id, deps.clock.now, () => store.getRun(caller.orgId, id));
        return parts.queries.get(caller, id);
      }
      // Not running in this process (another replica, or a restart): mark it in the database.
      await store.cancelIfOpen(id, deps.clock.now());
      return parts.queries.get(caller, id);
    },

    /** Waits for the runs in flight in this process (async ones included). */
    async drain(): Promise<void> {
      await Promise.allSettled([...live.values()].map((r) => r.done));
      await Promise.allSettled([...handlers]);
    },
  };
}
