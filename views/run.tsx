/**
 * One run: its input, output, error with the skill's stack, logs coloured by level, usage, artifacts with previews
 * and its composition graph. A run still going on streams its logs into the page (console.js, SSE).
 */
import type { ArtifactDto, RunDto } from '../src/runs/schemas.ts';
import { Empty, Fact, formatBytes, formatDuration, Json, Notice, StatusBadge, Time } from './components.tsx';
import { CompositionGraph } from './graph.tsx';
import { shortId } from './runs.tsx';

export const FINAL = ['succeeded', 'failed', 'timed_out', 'cancelled'];
export const isFinal = (run: Pick<RunDto, 'status'>) => FINAL.includes(run.status);

/** Media types shown in place: images in an <img>, text read on the server (a bounded prefix). */
export const IMAGE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/svg+xml',
]);
export const isTextual = (mime: string) =>
  mime.startsWith('text/') || mime === 'application/json' || mime.endsWith('+json') || mime === 'application/xml';

const logTime = (iso: string) => iso.slice(11, 23);

export function LogLines({ run }: { run: RunDto }) {
  return (
    <ol class="logs" data-log>
      {run.logs.map((line) => (
        <li class={`log log-${line.level}`}>
          <time dateTime={line.time}>{logTime(line.time)}</time> <span class="level">{line.level}</span>{' '}
          <span class="message">{line.message}</span>
        </li>
      ))}
    </ol>
  );
}

export function Artifacts({ artifacts, previews }: { artifacts: ArtifactDto[]; previews: Map<string, string> }) {
  if (artifacts.length === 0) return <p class="muted">No artifacts.</p>;
  return (
    <ul class="artifacts" data-artifacts>
      {artifacts.map((a) => (
        <li class="artifact">
          <div>
            <a href={`/console/artifacts/${a.id}`} download={a.name}>
              {a.name}
            </a>{' '}
            <span class="muted">
              {a.mime_type} · {formatBytes(a.size)}
            </span>
          </div>
          {IMAGE_TYPES.has(a.mime_type) && (
            <img
              class="preview"
              src={`/console/artifacts/${a.id}?inline=1`}
              alt={`Preview of ${a.name}`}
              loading="lazy"
            />
          )}
          {previews.has(a.id) && <pre class="code preview">{previews.get(a.id)}</pre>}
        </li>
      ))}
    </ul>
  );
}

function RunError({ error }: { error: NonNullable<RunDto['error']> }) {
  return (
    <div class="run-error">
      <Notice kind="error">
        <strong>{error.type}</strong>: {error.message}
      </Notice>
      {error.errors?.length ? (
        <ul class="field-errors">
          {error.errors.map((e) => (
            <li>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      ) : null}
      {error.stack && <pre class="code stack">{error.stack}</pre>}
    </div>
  );
}

/** The outcome of a finished run: output or error, logs, artifacts, usage. */
export function RunOutcome({ run, previews }: { run: RunDto; previews: Map<string, string> }) {
  return (
    <>
      {run.error && <RunError error={run.error} />}
      {run.status === 'succeeded' && (
        <>
          <h3>Output</h3>
          <Json value={run.output} />
        </>
      )}
      <h3>Logs</h3>
      {run.logs.length ? <LogLines run={run} /> : <p class="muted">No log lines.</p>}
      <h3>Artifacts</h3>
      <Artifacts artifacts={run.artifacts} previews={previews} />
    </>
  );
}

/**
 * The live part of a run: a panel console.js fills from the event stream, then replaces with the outcome (or, on
 * the run's own page, `reload`s the page so its facts are final too).
 */
export function RunPanel(props: { run: RunDto; previews: Map<string, string>; reload?: boolean }) {
  const { run, previews } = props;
  const live = !isFinal(run);
  return (
    <section
      class="run-panel card"
      id={`run-${run.id}`}
      data-events={live ? `/console/runs/${run.id}/events` : undefined}
      data-panel={live ? `/console/runs/${run.id}/panel` : undefined}
      data-reload={live && props.reload ? 'true' : undefined}
      aria-live="polite"
    >
      <p class="run-head">
        Run <a href={`/console/runs/${run.id}`}>{shortId(run.id)}</a> <StatusBadge status={run.status} />{' '}
        {live ? <span class="spinner active">running…</span> : formatDuration(run.duration_ms)}
      </p>
      {live ? (
        <>
          <h3>Logs</h3>
          <LogLines run={run} />
          <h3>Artifacts</h3>
          <ul class="artifacts" data-artifacts />
        </>
      ) : (
        <RunOutcome run={run} previews={previews} />
      )}
    </section>
  );
}

export interface RunPageProps {
  run: RunDto;
  tree: { runs: RunDto[]; truncated: boolean };
  previews: Map<string, string>;
}

export function RunPage({ run, tree, previews }: RunPageProps) {
  return (
    <>
      <h1>
        {run.skill ?? 'Run'} {run.version && <span class="muted">{run.version}</span>}{' '}
        <StatusBadge status={run.status} />
      </h1>
      <section class="card">
        <dl class="facts">
          <Fact label="Run">
            <code>{run.id}</code>
          </Fact>
          {run.parent_run_id && (
            <Fact label="Part of">
              <a href={`/console/runs/${run.parent_run_id}`}>run {shortId(run.parent_run_id)}</a>
            </Fact>
          )}
          {run.skill_id && (
            <Fact label="Skill">
              <a href={`/console/skills/${encodeURIComponent(run.skill ?? run.skill_id)}`}>{run.skill}</a>
            </Fact>
          )}
          <Fact label="Created">
            <Time at={run.created_at} />
          </Fact>
          <Fact label="Finished">
            <Time at={run.finished_at} />
          </Fact>
          <Fact label="Duration">{formatDuration(run.duration_ms)}</Fact>
          <Fact label="Usage">
            wall {formatDuration(run.usage.wall_ms)} · CPU {formatDuration(run.usage.cpu_ms)} · memory peak{' '}
            {formatBytes(run.usage.memory_peak_bytes)}
          </Fact>
        </dl>
      </section>
      {tree.runs.length > 1 && (
        <section class="card">
          <h2>Composition</h2>
          <CompositionGraph runs={tree.runs} current={run.id} truncated={tree.truncated} />
        </section>
      )}
      <section class="card">
        <h2>Input</h2>
        {run.input === null ? <Empty title="No input" /> : <Json value={run.input} />}
      </section>
      <RunPanel run={run} previews={previews} reload />
    </>
  );
}
