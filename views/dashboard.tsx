/** The dashboard: counts, the last 24 hours of runs as a chart, latency, artifacts and the latest runs. */
import type { RunDto } from '../src/runs/schemas.ts';
import type { StatsOverview } from '../src/stats/overview.ts';
import { RunsChart } from './chart.tsx';
import { Empty, formatBytes, formatDuration } from './components.tsx';
import { RunsTable } from './runs.tsx';

const Figure = ({ label, value, note }: { label: string; value: string; note?: string }) => (
  <div class="figure card">
    <div class="figure-value">{value}</div>
    <div class="figure-label">{label}</div>
    {note && <div class="figure-note">{note}</div>}
  </div>
);

export function Dashboard({ overview, recent }: { overview: StatsOverview; recent: RunDto[] | null }) {
  const { runs, artifacts } = overview;
  const rate = runs.success_rate === null ? '—' : `${(runs.success_rate * 100).toFixed(1)} %`;
  return (
    <>
      <h1>Dashboard</h1>
      <section class="figures" aria-label="Figures">
        <Figure label="Skills" value={overview.skills.toLocaleString('en')} />
        <Figure label="Runs, last 24 h" value={runs.total.toLocaleString('en')} />
        <Figure label="Success rate" value={rate} note="of finished runs, last 24 h" />
        <Figure
          label="Latency p50 / p95"
          value={`${formatDuration(runs.latency_ms.p50)} / ${formatDuration(runs.latency_ms.p95)}`}
          note="finished runs, last 24 h"
        />
        <Figure
          label="Artifacts"
          value={artifacts.count.toLocaleString('en')}
          note={`${formatBytes(artifacts.bytes)} stored`}
        />
      </section>
      <section class="card">
        <h2>Runs per hour</h2>
        {runs.total === 0 ? (
          <Empty title="No runs in the last 24 hours">
            Open a skill and use <strong>Try it</strong>, or start one with <code>POST /runs</code>.
          </Empty>
        ) : (
          <RunsChart hours={runs.by_hour} />
        )}
      </section>
      <section class="card">
        <h2>
          Recent runs <a href="/console/runs">all runs →</a>
        </h2>
        {recent === null ? (
          <p class="muted">Running skills is not configured on this server.</p>
        ) : (
          <RunsTable runs={recent} empty="No runs yet." />
        )}
      </section>
    </>
  );
}
