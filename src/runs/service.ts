/**
 * The runs service: resolves a skill version, validates the input, runs it in the sandbox with limits from
 * SKILL.md capped by the server maxima, and records everything in `skill_runs`. A run row is written before the
 * run starts and always gets a final status, whatever the skill or its worker does. Composition (ctx.callSkill,
 * API-level chain and parallel) makes child runs that point at their parent.
 *
 * @example
 * const runs = createRunService({ db, clock, logger, sandbox, blobs, registry, secrets });
 * const { status, run } = await runs.start(caller, { skill: 'csv-to-json', input: { csv: 'a\n1' }, async: false });
 */
import { v7 as uuidv7 } from 'uuid';
import { type Caller, requireRole } from '../auth/caller.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { AppError, type FieldError } from '../errors.ts';
import {
  type FetchRequest,
  type FetchResponse,
  HostCallError,
  type RunError,
  type RunLimits,
  type RunStatus,
  type Sandbox,
  type SandboxResult,
} from '../runtime/types.ts';
import { decodeCursor, toPage } from '../skills/cursor.ts';
import type { Registry } from '../skills/registry.ts';
import { UUID } from '../skills/store.ts';
import type { BlobStore, ByteRange } from '../storage/blob-store.ts';
import type { Logger } from '../telemetry/logger.ts';
import { type RunEvent, RunEvents, replayFinished } from './events.ts';
import { createRunHost } from './host.ts';
import { runLimits } from './limits.ts';
import type { RunDto, RunRequest, RunStep } from './schemas.ts';
import type { SecretStore } from './secrets.ts';
import {
  type ArtifactRow,
  createRunStore,
  isFinal,
  type RunRow,
  type RuntimeVersion,
  toArtifact,
  toRun,
} from './store.ts';
import { inputError, validateOutput } from './validate.ts';

export interface RunServiceDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  sandbox: Sandbox;
  blobs: BlobStore;
  registry: Registry;
  secrets: SecretStore;
  /** Server maxima; SKILL.md and requests ask for less. */
  limits?: { maxTimeoutMs?: number; maxMemoryMb?: number };
  /** Replaces the guarded network for skills with allow_network (benchmarks); never set in production. */
  fetch?: (request: FetchRequest) => Promise<FetchResponse>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MEMORY_MB = 64;
export const MAX_DEPTH = 5;

interface Target {
  skillId: string;
  skillName: string;
  version: RuntimeVersion;
}

/** What a child run inherits from its parent. */
interface Parent {
  caller: Caller;
  runId: string;
  deadline: number;
  depth: number;
  signal: AbortSignal;
}

export type RunFiles = ReadonlyMap<string, Uint8Array>;

export function createRunService(deps: RunServiceDeps) {
  const { clock, logger } = deps;
  const store = createRunStore(deps.db);
  const events = new RunEvents();
  const live = new Map<string, { controller: AbortController; done: Promise<RunDto> }>();
  const versionCache = new Map<string, RuntimeVersion>();
  const maxTimeout = deps.limits?.maxTimeoutMs ?? 300_000;
  const maxMemory = deps.limits?.maxMemoryMb ?? 512;

  async function runtimeVersion(id: string): Promise<RuntimeVersion> {
    let version = versionCache.get(id);
    if (!version) {
      version = await store.loadRuntimeVersion(id);
      if (!version) throw new AppError('not_found', `Skill version "${id}" not found`);
      if (versionCache.size >= 200) versionCache.delete(versionCache.keys().next().value!);
      versionCache.set(id, version);
    }
    return version;
  }

  async function resolveTarget(caller: Caller, ref: string, version?: string): Promise<Target> {
    const skill = await deps.registry.findSkill(caller, ref);
    let versionId: string | undefined | null;
    if (!version || version === 'latest') {
      versionId = skill.latest_version_id;
      if (!versionId) {
        throw new AppError('not_found', `Skill "${skill.name}" has no published version; name one with "version"`);
      }
    } else {
      versionId = await store.findVersionId(skill.id, version);
      if (!versionId) throw new AppError('not_found', `Skill "${skill.name}" has no version ${version}`);
    }
    return { skillId: skill.id, skillName: skill.name, version: await runtimeVersion(versionId) };
  }

  function limitsFor(version: RuntimeVersion, timeoutMs: number): RunLimits {
    return runLimits(Math.min(version.memoryMb ?? DEFAULT_MEMORY_MB, maxMemory), timeoutMs);
  }

  const timeoutFor = (requested: number | undefined, version?: RuntimeVersion) =>
    Math.min(requested ?? version?.timeoutMs ?? DEFAULT_TIMEOUT_MS, maxTimeout);

  const failure = (
    status: SandboxResult['status'],
    type: RunError['type'],
    message: string,
    errors?: FieldError[],
  ): SandboxResult & { error: RunError & { errors?: FieldError[] } } => ({
    status,
    error: errors ? { type, message, errors } : { type, message },
    logs: [],
    usage: { wall_ms: 0, cpu_ms: 0, memory_peak_bytes: 0 },
  });

  function newRow(
    caller: Caller,
    fields: Pick<RunRow, 'id' | 'status' | 'input_json' | 'parent_run_id' | 'kind' | 'depth'> & {
      target?: Target;
    },
  ): RunRow {
    const now = clock.now();
    return {
      id: fields.id,
      org_id: caller.orgId,
      skill_id: fields.target?.skillId ?? null,
      skill_version_id: fields.target?.version.id ?? null,
      parent_run_id: fields.parent_run_id,
      user_id: caller.userId,
      status: fields.status,
      input_json: fields.input_json,
      output_json: null,
      error: null,
      logs: [],
      usage: null,
      duration_ms: null,
      created_at: now,
      started_at: fields.status === 'running' ? now : null,
      finished_at: null,
      skill_name: fields.target?.skillName ?? null,
      version: fields.target?.version.version ?? null,
      kind: fields.kind,
      depth: fields.depth,
    };
  }

  /** Writes the final state of a run (and, for a succeeded run, its artifacts) and announces it. */
  /** `composed`: the run called other skills, whose artifacts are listed with its own. */
  async function finish(
    row: RunRow,
    result: SandboxResult,
    startedMs: number,
    pending: ArtifactRow[],
    composed = false,
  ) {
    let keep = result.status === 'succeeded' ? pending : [];
    const final: RunRow = {
      ...row,
      status: result.status,
      output_json: result.status === 'succeeded' ? (result.output ?? null) : null,
      error: result.error ?? null,
      logs: result.logs,
      usage: result.usage,
      duration_ms: Math.round(performance.now() - startedMs),
      finished_at: clock.now(),
    };
    try {
      await store.finishRun(row.id, final, keep);
    } catch (error) {
      logger.error({ err: error, run_id: row.id }, 'could not record the run outcome; recording a failure');
      keep = [];
      final.status = 'failed';
      final.output_json = null;
      final.error = { type: 'infrastructure_error', message: 'The run outcome could not be stored' };
      await store.finishRun(row.id, final, []).catch((e) => logger.error({ err: e }, 'run row not finished'));
    }
    if (keep.length < pending.length) {
      // Blobs of a run that did not succeed have no row pointing at them: remove them.
      await Promise.allSettled(pending.map((a) => deps.blobs.delete(a.storage_url)));
    }
    const dto = toRun(final, composed && keep.length === pending.length ? await store.artifactsOf([row.id]) : keep);
    events.emit(row.id, { event: 'done', data: dto });
    return dto;
  }

  /** Runs one skill whose row exists with status running. Never throws. */
  async function executeSkill(
    row: RunRow,
    ctx: Parent,
    target: Target,
    input: unknown,
    files: RunFiles,
    timeoutMs: number,
  ): Promise<RunDto> {
    const startedMs = performance.now();
    const pending: ArtifactRow[] = [];
    let composed = false;
    events.emit(row.id, { event: 'status', data: { id: row.id, status: 'running' } });
    const v = target.version;
    let result: SandboxResult;
    const invalid = inputError(v, input, new Set(files.keys()));
    if (invalid) {
      result = failure('failed', invalid.type, invalid.message, invalid.errors);
    } else if (!v.entrypoint) {
      result = failure(
        'failed',
        'not_runnable',
        `${v.name} ${v.version} has instructions only (no entrypoint); an agent reads its SKILL.md instead`,
      );
    } else {
      try {
        const host = createRunHost({
          runId: row.id,
          orgId: row.org_id,
          version: v,
          files,
          deadline: ctx.deadline,
          store,
          blobs: deps.blobs,
          clock,
          pending,
          onLog: (line) => events.emit(row.id, { event: 'log', data: line }),
          onArtifact: (a) =>
            events.emit(row.id, {
              event: 'artifact',
              data: { id: a.id, name: a.name, size: a.size_bytes, mime_type: a.mime_type, sha256: a.checksum },
            }),
          callSkill: (name, childInput, options) => {
            composed = true;
            return callSkill(ctx, row.id, name, childInput, options);
          },
          fetch: deps.fetch,
        });
        result = await deps.sandbox.execute(
          {
            runId: row.id,
            skill: { id: target.skillId, name: v.name, version: v.version },
            entrypoint: v.entrypoint,
            modules: v.modules,
            sourceMaps: v.sourceMaps,
            input: input ?? null,
            secrets: await deps.secrets.resolve(row.org_id, v.secrets),
            limits: limitsFor(v, timeoutMs),
            deadline: ctx.deadline,
            depth: ctx.depth,
          },
          host,
          ctx.signal,
        );
      } catch (error) {
        logger.error({ err: error, run_id: row.id }, 'sandbox failed');
        result = failure('failed', 'infrastructure_error', 'The sandbox could not run the skill');
      }
      if (result.status === 'succeeded') {
        const written = new Set(pending.flatMap((a) => [a.name, a.id]));
        const outputErrors = validateOutput(v, result.output, written);
        if (outputErrors.length > 0) {
          result = {
            ...failure('failed', 'skill_error', 'The output does not match the declared outputs', outputErrors),
            logs: result.logs,
            usage: result.usage,
          };
        }
      }
    }
    return finish(row, result, startedMs, pending, composed);
  }

  /** Starts a child run under `parent` and waits for it. */
  async function runChild(parent: Parent, parentRunId: string, target: Target, input: unknown): Promise<RunDto> {
    const row = newRow(parent.caller, {
      id: uuidv7(),
      status: 'running',
      input_json: input ?? null,
      parent_run_id: parentRunId,
      kind: 'skill',
      depth: parent.depth + 1,
      target,
    });
    await store.insertRun(row);
    events.open(row.id);
    events.emit(parentRunId, { event: 'child', data: { id: row.id, skill: target.skillName, status: 'running' } });
    const child = { ...parent, runId: row.id, depth: parent.depth + 1 };
    const remaining = Math.max(1, parent.deadline - Date.now());
    const dto = await executeSkill(
      row,
      child,
      target,
      input,
      new Map(),
      Math.min(timeoutFor(undefined, target.version), remaining),
    );
    events.emit(parentRunId, { event: 'child', data: { id: dto.id, skill: dto.skill, status: dto.status } });
    return dto;
  }

  /** `ctx.callSkill` of a running skill. */
  async function callSkill(
    parent: Parent,
    parentRunId: string,
    name: string,
    input: unknown,
    options: { version?: string },
  ): Promise<unknown> {
    if (parent.depth + 1 > MAX_DEPTH) {
      throw new HostCallError('limit_exceeded', `callSkill nests deeper than ${MAX_DEPTH} runs`);
    }
    let target: Target;
    try {
      target = await resolveTarget(parent.caller, name, options.version);
    } catch (error) {
      if (error instanceof AppError) throw new HostCallError('skill_error', `callSkill: ${error.message}`);
      throw error;
    }
    const child = await runChild(parent, parentRunId, target, input);
    if (child.status === 'succeeded') return child.output;
    const type = child.error?.type ?? 'skill_error';
    throw new HostCallError(
      type === 'invalid_input' || type === 'not_runnable' ? 'skill_error' : type,
      `callSkill("${name}") ${child.status}: ${child.error?.message ?? 'no output'} (run ${child.id})`,
    );
  }

  /** An API-level chain or parallel run: a parent row whose children are the steps. Never throws. */
  async function executeComposite(
    row: RunRow,
    ctx: Parent,
    steps: { step: RunStep; target: Target }[],
    input: unknown,
  ): Promise<RunDto> {
    const startedMs = performance.now();
    events.emit(row.id, { event: 'status', data: { id: row.id, status: 'running' } });
    let result: SandboxResult;
    const usage = { wall_ms: 0, cpu_ms: 0, memory_peak_bytes: 0 };
    const add = (child: RunDto) => {
      usage.wall_ms += child.usage.wall_ms;
      usage.cpu_ms += child.usage.cpu_ms;
      usage.memory_peak_bytes = Math.max(usage.memory_peak_bytes, child.usage.memory_peak_bytes);
    };
    const stepFailure = (i: number, child: RunDto): SandboxResult => ({
      status: child.status as SandboxResult['status'],
      error: {
        type: child.error?.type ?? 'skill_error',
        message: `Step ${i + 1} (${child.skill}) ${child.status}: ${child.error?.message ?? ''} (run ${child.id})`,
      },
      logs: [],
      usage,
    });
    try {
      if (row.kind === 'chain') {
        let current: unknown = steps[0]?.step.input ?? input;
        result = { status: 'succeeded', output: null, logs: [], usage };
        for (const [i, { target }] of steps.entries()) {
          const child = await runChild(ctx, row.id, target, current);
          add(child);
          if (child.status !== 'succeeded') {
            result = stepFailure(i, child);
            break;
          }
          current = child.output;
          result = { status: 'succeeded', output: current, logs: [], usage };
        }
      } else {
        const children = await Promise.all(
          steps.map(({ step, target }) => runChild(ctx, row.id, target, step.input ?? input)),
        );
        children.forEach(add);
        const failed = children.findIndex((c) => c.status !== 'succeeded');
        result =
          failed >= 0
            ? stepFailure(failed, children[failed]!)
            : { status: 'succeeded', output: children.map((c) => c.output), logs: [], usage };
      }
    } catch (error) {
      logger.error({ err: error, run_id: row.id }, 'composite run failed');
      result = failure('failed', 'infrastructure_error', 'The composite run could not be completed');
    }
    return finish(row, result, startedMs, [], true);
  }

  async function getRow(caller: Caller, id: string): Promise<RunRow> {
    const row = UUID.test(id) ? await store.getRun(caller.orgId, id) : undefined;
    if (!row) throw new AppError('not_found', `Run "${id}" not found`);
    return row;
  }

  async function withArtifacts(rows: RunRow[]): Promise<RunDto[]> {
    const artifacts = await store.artifactsOf(rows.map((r) => r.id));
    return rows.map((r) =>
      toRun(
        r,
        artifacts.filter((a) => a.root_run_id === r.id),
      ),
    );
  }

  async function get(caller: Caller, id: string): Promise<RunDto> {
    const [dto] = await withArtifacts([await getRow(caller, id)]);
    return dto!;
  }

  async function list(
    caller: Caller,
    query: {
      status?: RunStatus;
      skill?: string;
      since?: string;
      parent_run_id?: string;
      cursor?: string;
      limit: number;
    },
    skillId?: string,
  ) {
    const after = decodeCursor(query.cursor);
    const rows = await store.listRuns(caller.orgId, {
      status: query.status,
      skillId: skillId ?? (query.skill && UUID.test(query.skill) ? query.skill : undefined),
      skillName: !skillId && query.skill && !UUID.test(query.skill) ? query.skill : undefined,
      parentRunId: query.parent_run_id,
      since: query.since,
      after,
      limit: query.limit,
    });
    const page = toPage(rows, query.limit, (r) => r);
    return { data: await withArtifacts(page.data), next_cursor: page.next_cursor };
  }

  return {
    /**
     * Starts a run. Sync: resolves with the finished run (201). Async: resolves at once with the queued run (202).
     * Unknown skills and versions are 404 problems; everything after the row is written is a run outcome.
     */
    async start(caller: Caller, request: RunRequest, files: RunFiles = new Map()) {
      requireRole(caller, 'author', 'run skills');
      const kind = request.chain ? 'chain' : request.parallel ? 'parallel' : 'skill';
      const stepList = request.chain ?? request.parallel ?? [];
      const target = request.skill ? await resolveTarget(caller, request.skill, request.version) : undefined;
      const steps = await Promise.all(
        stepList.map(async (step) => ({ step, target: await resolveTarget(caller, step.skill, step.version) })),
      );
      const timeoutMs = timeoutFor(request.timeout_ms, target?.version);
      const row = newRow(caller, {
        id: uuidv7(),
        status: request.async ? 'queued' : 'running',
        input_json: request.input ?? null,
        parent_run_id: null,
        kind,
        depth: 0,
        target,
      });
      const controller = new AbortController();
      await store.insertRun(row);
      events.open(row.id);
      const execute = async (): Promise<RunDto> => {
        try {
          if (request.async) {
            row.started_at = clock.now();
            row.status = 'running';
            await store.markRunning(row.id, row.started_at);
          }
          const ctx: Parent = {
            caller,
            runId: row.id,
            deadline: Date.now() + timeoutMs,
            depth: 0,
            signal: controller.signal,
          };
          return target
            ? await executeSkill(row, ctx, target, request.input, files, timeoutMs)
            : await executeComposite(row, ctx, steps, request.input);
        } finally {
          live.delete(row.id);
        }
      };
      const done = execute();
      live.set(row.id, { controller, done });
      if (request.async) {
        done.catch((error) => logger.error({ err: error, run_id: row.id }, 'async run failed'));
        return { status: 202 as const, run: toRun(row, []) };
      }
      return { status: 201 as const, run: await done };
    },

    get,
    list: (caller: Caller, query: Parameters<typeof list>[1]) => list(caller, query),

    async listForSkill(caller: Caller, ref: string, query: Parameters<typeof list>[1]) {
      const skill = await deps.registry.findSkill(caller, ref);
      return list(caller, query, skill.id);
    },

    /** Cancels a queued or running run; answers with the run once it has ended. */
    async cancel(caller: Caller, id: string): Promise<RunDto> {
      requireRole(caller, 'author', 'cancel runs');
      const row = await getRow(caller, id);
      if (isFinal(row.status)) throw new AppError('conflict', `Run ${id} already ended with status ${row.status}`);
      const running = live.get(id);
      if (running) {
        running.controller.abort();
        return running.done;
      }
      // Not running in this process (another replica, or a restart): mark it in the database.
      await store.cancelIfOpen(id, clock.now());
      return get(caller, id);
    },

    /** The run's events from the start; ends after `done`. Throws 404 before streaming for unknown runs. */
    async events(caller: Caller, id: string, signal?: AbortSignal): Promise<AsyncIterable<RunEvent>> {
      const row = await getRow(caller, id);
      const subscription = events.subscribe(row.id, signal);
      if (subscription) return subscription;
      return {
        async *[Symbol.asyncIterator]() {
          let current = row;
          while (!isFinal(current.status) && !signal?.aborted) {
            // Running elsewhere: poll the row until it ends, then replay it.
            await new Promise((resolve) => setTimeout(resolve, 250));
            const again = events.subscribe(row.id, signal);
            if (again) {
              yield* again;
              return;
            }
            current = (await store.getRun(caller.orgId, id)) ?? current;
          }
          const [dto] = await withArtifacts([current]);
          const children = await store.childrenOf(caller.orgId, id);
          yield* replayFinished(
            dto!,
            children.map((c) => ({
              id: c.id,
              skill: c.kind === 'skill' ? c.skill_name : c.kind,
              status: c.status,
              created_at: new Date(c.created_at).toISOString(),
            })),
          );
        },
      };
    },

    async listArtifacts(caller: Caller, runId: string) {
      const row = await getRow(caller, runId);
      return (await store.artifactsOf([row.id])).map(toArtifact);
    },

    async getArtifact(caller: Caller, id: string): Promise<ArtifactRow> {
      const row = UUID.test(id) ? await store.getArtifact(caller.orgId, id) : undefined;
      if (!row) throw new AppError('not_found', `Artifact "${id}" not found`);
      return row;
    },

    /** The stored bytes of an artifact (a range of them), as a stream. */
    openArtifact: (artifact: ArtifactRow, range?: ByteRange) => deps.blobs.stream(artifact.storage_url, range),

    /** Waits for runs in flight (async runs included); used on shutdown and in tests. */
    async drain(): Promise<void> {
      await Promise.allSettled([...live.values()].map((r) => r.done));
    },
  };
}

export type RunService = ReturnType<typeof createRunService>;
