/**
 * Reading runs: one run, listings, artifacts, and the event stream of a run (live when it runs in this process,
 * rebuilt from its row when it has finished, polled when it runs on another replica).
 */
import type { Caller } from '../auth/caller.ts';
import { encodeCursor } from '../db/pagination.ts';
import { UUID } from '../db/where.ts';
import { AppError } from '../errors.ts';
import type { RunStatus } from '../runtime/types.ts';
import { iso } from '../schemas.ts';
import type { RunContext } from './context.ts';
import { type RunEvent, replayFinished } from './events.ts';
import { type ArtifactRow, isFinal, type RunRow, toArtifact, toRun } from './rows.ts';
import type { RunDto } from './schemas.ts';

export interface RunListQuery {
  status?: RunStatus;
  /** Skill name or id. */
  skill?: string;
  since?: string;
  parent_run_id?: string;
  cursor?: string;
  limit: number;
}

/** The most runs `tree` returns (the root included). */
export const MAX_TREE_NODES = 200;

/** How often a stream of a run live on another replica re-reads its row. */
const POLL_MS = 250;
/** In listings, an input, output or log list larger than this (as JSON) is summarised; GET /runs/{id} has it. */
export const LISTED_FIELD_BYTES = 8 * 1024;
/** A page of runs stops growing past this size; `next_cursor` continues after its last run. */
export const LIST_PAGE_BYTES = 1024 * 1024;

const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value ?? null));

/** How many of `items`, from the first, fit in `maxBytes` as JSON. */
function countWithin(items: unknown[], maxBytes: number): number {
  let size = 0;
  for (let i = 0; i < items.length; i++) {
    size += jsonBytes(items[i]);
    if (size > maxBytes) return i;
  }
  return items.length;
}

/** A run as listings show it: large inputs, outputs and logs replaced by their size, named in `truncated`. */
export function listed(run: RunDto): RunDto {
  const truncated: NonNullable<RunDto['truncated']> = [];
  const out = { ...run };
  for (const field of ['input', 'output'] as const) {
    const bytes = jsonBytes(run[field]);
    if (bytes > LISTED_FIELD_BYTES) {
      out[field] = { truncated: true, bytes };
      truncated.push(field);
    }
  }
  if (jsonBytes(run.logs) > LISTED_FIELD_BYTES) {
    out.logs = run.logs.slice(0, countWithin(run.logs, LISTED_FIELD_BYTES));
    truncated.push('logs');
  }
  return truncated.length ? { ...out, truncated } : out;
}

/** Cuts a page at LIST_PAGE_BYTES (never below one run); the cursor then points after the last run kept. */
function capPage(runs: RunDto[], nextCursor: string | null) {
  const kept = runs.slice(0, Math.max(1, countWithin(runs, LIST_PAGE_BYTES)));
  if (kept.length === runs.length) return { data: runs, next_cursor: nextCursor };
  const last = kept.at(-1)!;
  return { data: kept, next_cursor: encodeCursor({ createdAt: last.created_at, id: last.id }) };
}

export function createRunQueries(k: RunContext) {
  const { store, events } = k;

  async function getRow(caller: Caller, id: string): Promise<RunRow> {
    const row = UUID.test(id) ? await store.getVisibleRun(caller, id) : undefined;
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

  async function list(caller: Caller, query: RunListQuery, skillId?: string) {
    const byId = query.skill !== undefined && UUID.test(query.skill);
    const filter = {
      status: query.status,
      skillId: skillId ?? (byId ? query.skill : undefined),
      skillName: !skillId && !byId ? query.skill : undefined,
      parentRunId: query.parent_run_id,
      since: query.since,
    };
    const page = await store.listRuns(caller, filter, query);
    return capPage((await withArtifacts(page.data)).map(listed), page.next_cursor);
  }

  /** The events of a finished run, from its row and its children's. */
  async function replay(caller: Caller, row: RunRow): Promise<RunEvent[]> {
    const [dto] = await withArtifacts([row]);
    const children = await store.childrenOf(caller.orgId, row.id);
    return replayFinished(
      dto!,
      children.map((c) => ({
        id: c.id,
        skill: c.kind === 'skill' ? c.skill_name : c.kind,
        status: c.status,
        created_at: iso(c.created_at),
      })),
    );
  }

  /** Waits for a run live on another replica to end (or to become live here), then streams its events. */
  async function* pollThenReplay(caller: Caller, row: RunRow, signal?: AbortSignal): AsyncGenerator<RunEvent> {
    let current = row;
    while (!isFinal(current.status) && !signal?.aborted) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const live = events.subscribe(row.id, signal);
      if (live) {
        yield* live;
        return;
      }
      current = (await store.getRun(caller.orgId, row.id)) ?? current;
    }
    yield* await replay(caller, current);
  }

  return {
    getRow,
    get,
    list,

    /** The run's events from the start; ends after `done`. Throws not_found before streaming for unknown runs. */
    async events(caller: Caller, id: string, signal?: AbortSignal): Promise<AsyncIterable<RunEvent>> {
      const row = await getRow(caller, id);
      const live = events.subscribe(row.id, signal);
      if (live) return live;
      const queued = k.deps.queued;
      if (!queued || isFinal(row.status)) return pollThenReplay(caller, row, signal);
      // Live on another replica: its persisted events, woken by NOTIFY, until it ends.
      const ended = async () => {
        const current = await store.getRun(caller.orgId, row.id);
        return current && isFinal(current.status) ? replay(caller, current) : undefined;
      };
      return queued.eventLog.tail(row.id, ended, signal);
    },

    /**
     * A run and the runs it composed (ctx.callSkill, chain, parallel), at most `maxNodes` in all: whoever sees the
     * composition sees its steps. `truncated` says whether more exist.
     */
    async tree(caller: Caller, id: string, maxNodes = MAX_TREE_NODES) {
      const root = await getRow(caller, id);
      const rows = await store.descendantsOf(caller.orgId, root.id, maxNodes);
      const runs = [root, ...rows.slice(0, maxNodes - 1)].map((row) => toRun(row, []));
      return { runs, truncated: rows.length >= maxNodes };
    },

    async listArtifacts(caller: Caller, runId: string) {
      const row = await getRow(caller, runId);
      return (await store.artifactsOf([row.id])).map(toArtifact);
    },

    async getArtifact(caller: Caller, id: string): Promise<ArtifactRow> {
      const row = UUID.test(id) ? await store.getArtifact(caller.orgId, id) : undefined;
      // An artifact is as visible as the run that wrote it.
      if (!row || !(await store.getVisibleRun(caller, row.run_id))) {
        throw new AppError('not_found', `Artifact "${id}" not found`);
      }
      return row;
    },
  };
}

export type RunQueries = ReturnType<typeof createRunQueries>;
