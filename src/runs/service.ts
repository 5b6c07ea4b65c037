/**
 * The runs service: what the API calls to start, cancel and read runs. It wires the run modules together:
 * `start.ts` (starting, cancelling, draining), `execute.ts` (one skill in the sandbox), `compose.ts`
 * (ctx.callSkill, chain, parallel), `finish.ts` (the final row in one transaction), `queries.ts` (reads and event
 * replay) and `events.ts` (live event fan-out). SQL is in `store.ts`; row mapping in `rows.ts`.
 *
 * @example
 * const runs = createRunService({ db, clock, logger, sandbox, blobs, registry, secrets });
 * const { status, run } = await runs.start(caller, { skill: 'csv-to-json', input: { csv: 'a\n1' }, async: false });
 */
import type { Caller } from '../auth/caller.ts';
import type { ByteRange } from '../storage/blob-store.ts';
import { type Composition, createComposition } from './compose.ts';
import { createRunContext, type RunServiceDeps } from './context.ts';
import { createSkillExecutor } from './execute.ts';
import { createRunQueries, type RunListQuery } from './queries.ts';
import type { ArtifactRow } from './rows.ts';
import { createRunStarter } from './start.ts';

export type { RunFiles, RunServiceDeps } from './context.ts';

export function createRunService(deps: RunServiceDeps) {
  const k = createRunContext(deps);
  // Executing a skill may compose others and composing executes skills: the executor reaches the composition late.
  let composition: Composition | undefined;
  const execute = createSkillExecutor(k, (...args) => composition!.callSkill(...args));
  composition = createComposition(k, execute);
  const queries = createRunQueries(k);
  const starter = createRunStarter(k, { execute, composition, queries });

  return {
    start: starter.start,
    cancel: starter.cancel,
    /** Executes a job taken from the shared queue (any replica's run). */
    executeJob: starter.executeJob,
    /** Ends the run of a job lost past its retry. */
    endLostJob: starter.endLostJob,
    /** Cancels a run live here when another replica asks; false when it is not here. */
    cancelLive: starter.cancelLive,
    /** Shutdown past its grace: queued runs still live here go back to the queue. */
    handBack: starter.handBack,
    /** Waits for runs in flight (async runs included); the server calls it on shutdown, tests before cleanup. */
    drain: starter.drain,

    get: queries.get,
    list: (caller: Caller, query: RunListQuery) => queries.list(caller, query),
    async listForSkill(caller: Caller, ref: string, query: RunListQuery) {
      const skill = await deps.registry.findSkill(caller, ref);
      return queries.list(caller, query, skill.id);
    },
    events: queries.events,
    tree: queries.tree,
    listArtifacts: queries.listArtifacts,
    getArtifact: queries.getArtifact,
    /** The stored bytes of an artifact (a range of them), as a stream. */
    openArtifact: (artifact: ArtifactRow, range?: ByteRange) => deps.blobs.stream(artifact.storage_url, range),
  };
}

export type RunService = ReturnType<typeof createRunService>;
