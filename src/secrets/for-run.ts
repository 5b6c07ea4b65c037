/**
 * The secrets side of one run: the values it receives (only for approved code, see `receivesSecrets`), the
 * redaction of those values (and its parent's) from everything the run produces, and the log line that tells an
 * author why their draft saw empty values.
 *
 * @example
 * const secrets = await secretsForRun(deps.secrets, deps.clock, caller, target, parent.redact);
 * job.secrets = secrets.values;
 * await finishRun(k, row, secrets.seal(result), ...);
 */
import type { Caller } from '../auth/caller.ts';
import type { Clock } from '../clock.ts';
import type { LogLine, SandboxResult } from '../runtime/types.ts';
import { composeRedactors, createRedactor, type Redact } from './redact.ts';
import type { Secrets } from './service.ts';

export interface RunSecrets {
  /** What `ctx.secrets` holds: declared names, with values only for approved code. */
  values: Record<string, string>;
  /** Hides these values and the parent run's from anything stored or streamed. */
  redact: Redact;
  /** Why the values are empty, when they were withheld; also the first line of the run's logs. */
  notice?: LogLine;
  /** The run's result as it may be stored and shown: redacted, with the notice first. */
  seal(result: SandboxResult): SandboxResult;
}

export async function secretsForRun(
  secrets: Pick<Secrets, 'forRun'>,
  clock: Clock,
  caller: Caller,
  target: { status: string; version: { name: string; version: string; secrets: readonly string[] } },
  inherited: Redact = (value) => value,
): Promise<RunSecrets> {
  const { version } = target;
  const granted = await secrets.forRun(caller, { status: target.status, names: version.secrets });
  const redact = composeRedactors(inherited, createRedactor(Object.values(granted.values)));
  const notice: LogLine | undefined =
    granted.withheld.length > 0
      ? {
          level: 'warn',
          message:
            `open-skills: secrets ${granted.withheld.join(', ')} are empty: ${version.name} ${version.version} is a ` +
            'draft, and a draft receives secret values only when a publisher or admin runs it. Publish it, or ask ' +
            'a publisher to run it.',
          time: clock.now().toISOString(),
        }
      : undefined;
  return {
    values: granted.values,
    redact,
    notice,
    seal: (result) => redact({ ...result, logs: notice ? [notice, ...result.logs] : result.logs }),
  };
}
