/**
 * Finishing a run: its final row and, for a succeeded run, its artifact rows are written in one transaction,
 * then `done` is announced. Blobs of a run that did not succeed are deleted, so a failed run leaves no artifact.
 */
import type { FieldError } from '../errors.ts';
import type { RunError, SandboxResult } from '../runtime/types.ts';
import type { RunContext } from './context.ts';
import { runEnded } from './observe.ts';
import { type ArtifactRow, EMPTY_USAGE, type RunRow, toRun } from './rows.ts';
import type { RunDto } from './schemas.ts';

/** A result for a run that ended before or outside the sandbox. */
export function failure(
  status: SandboxResult['status'],
  type: RunError['type'],
  message: string,
  errors?: FieldError[],
): SandboxResult {
  return {
    status,
    error: errors ? { type, message, errors } : { type, message },
    logs: [],
    usage: { ...EMPTY_USAGE },
  };
}

/**
 * Writes the final state of `row` and announces it. `pending`: artifacts the run stored (rows only if it
 * succeeded). `composed`: the run called other skills, whose artifacts are listed with its own.
 */
export async function finishRun(
  k: RunContext,
  row: RunRow,
  result: SandboxResult,
  startedMs: number,
  pending: ArtifactRow[],
  composed = false,
): Promise<RunDto> {
  const { store, deps } = k;
  let keep = result.status === 'succeeded' ? pending : [];
  const final: RunRow = {
    ...row,
    status: result.status,
    output_json: result.status === 'succeeded' ? (result.output ?? null) : null,
    error: result.error ?? null,
    logs: result.logs,
    usage: result.usage,
    duration_ms: Math.round(performance.now() - startedMs),
    finished_at: deps.clock.now(),
  };
  try {
    await store.finishRun(row.id, final, keep);
  } catch (error) {
    deps.logger.error({ err: error, run_id: row.id }, 'could not record the run outcome; recording a failure');
    keep = [];
    final.status = 'failed';
    final.output_json = null;
    final.error = { type: 'infrastructure_error', message: 'The run outcome could not be stored' };
    await store.finishRun(row.id, final, []).catch((e) => deps.logger.error({ err: e }, 'run row not finished'));
  }
  if (keep.length < pending.length) {
    // Blobs of a run that did not succeed have no row pointing at them: remove them.
    await Promise.allSettled(pending.map((a) => deps.blobs.delete(a.storage_url)));
  }
  const dto = toRun(final, composed && keep.length === pending.length ? await store.artifactsOf([row.id]) : keep);
  k.events.emit(row.id, { event: 'done', data: dto });
  runEnded(deps, final, dto);
  return dto;
}
