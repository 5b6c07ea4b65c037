/** The runs list: filters by status, skill and time, one page at a time. */
import type { RunDto } from '../src/runs/schemas.ts';
import { formatDuration, NextPage, Spinner, StatusBadge, Table, Time } from './components.tsx';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled'] as const;

/** The time filter's choices: key -> [label, hours back]. */
export const RUN_WINDOWS: Record<string, [string, number]> = {
  '1h': ['Last hour', 1],
  '24h': ['Last 24 hours', 24],
  '7d': ['Last 7 days', 24 * 7],
  '30d': ['Last 30 days', 24 * 30],
};

/** A short, distinctive form of a run id (UUIDv7s begin with the time, so their ends differ). */
export const shortId = (id: string) => id.slice(-8);

export function RunsTable({ runs, empty }: { runs: RunDto[]; empty: string }) {
  return (
    <Table
      rows={runs}
      columns={['Run', 'Skill', 'Status', 'Started', { label: 'Duration', num: true }]}
      empty={empty}
      class="runs"
      row={(run) => (
        <tr>
          <td>
            <a href={`/console/runs/${run.id}`} class="mono">
              {shortId(run.id)}
            </a>
            {run.parent_run_id && <span class="muted"> (step)</span>}
          </td>
          <td>
            {run.skill ?? '—'}
            {run.version && <span class="muted"> {run.version}</span>}
          </td>
          <td>
            <StatusBadge status={run.status} />
          </td>
          <td>
            <Time at={run.created_at} />
          </td>
          <td class="num">{formatDuration(run.duration_ms)}</td>
        </tr>
      )}
    />
  );
}

export interface RunFilters {
  status?: string;
  skill?: string;
  window?: string;
}

export function RunResults({ runs, next }: { runs: RunDto[]; next: string | null }) {
  return (
    <div id="run-results">
      <RunsTable runs={runs} empty="No runs match these filters." />
      <NextPage href={next} />
    </div>
  );
}

export function RunsPage({ runs, next, filters }: { runs: RunDto[]; next: string | null; filters: RunFilters }) {
  return (
    <>
      <h1>Runs</h1>
      <form
        class="filters"
        method="get"
        action="/console/runs"
        hx-get="/console/runs"
        hx-trigger="change, submit"
        hx-target="#run-results"
        hx-swap="outerHTML"
        hx-push-url="true"
        hx-indicator="#runs-loading"
      >
        <label>
          Status
          <select name="status" value={filters.status ?? ''}>
            <option value="">any</option>
            {RUN_STATUSES.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Skill
          <input name="skill" type="search" value={filters.skill ?? ''} placeholder="name" maxLength={128} />
        </label>
        <label>
          Time
          <select name="window" value={filters.window ?? ''}>
            <option value="">any time</option>
            {Object.entries(RUN_WINDOWS).map(([key, [label]]) => (
              <option value={key}>{label}</option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
        <Spinner id="runs-loading" label="Loading…" />
      </form>
      <RunResults runs={runs} next={next} />
    </>
  );
}
