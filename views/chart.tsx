/** Runs per hour by status, as an SVG drawn on the server (no script), with the same numbers as a table. */
import type { StatsOverview } from '../src/stats/overview.ts';

/** Stacking order, bottom up. */
export const CHART_STATUSES = ['succeeded', 'failed', 'timed_out', 'cancelled', 'running', 'queued'] as const;

const WIDTH = 760;
const HEIGHT = 220;
const PAD = { top: 12, right: 12, bottom: 28, left: 40 };

/** A round upper bound for the y axis (1, 2, 5 × 10^n). */
function niceCeiling(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].map((f) => f * power).find((v) => v >= value) ?? 10 * power) as number;
}

const hourLabel = (iso: string) => `${iso.slice(11, 13)}:00`;

function describe(counts: Partial<Record<string, number>>): string {
  const parts = CHART_STATUSES.filter((s) => counts[s]).map((s) => `${counts[s]} ${s.replace('_', ' ')}`);
  return parts.length ? parts.join(', ') : 'no runs';
}

export function RunsChart({ hours }: { hours: StatsOverview['runs']['by_hour'] }) {
  const totals = hours.map((h) => Object.values(h.counts).reduce((a, b) => a + (b ?? 0), 0));
  const top = niceCeiling(Math.max(0, ...totals));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, hours.length);
  const barW = Math.max(2, slot * 0.7);
  const y = (value: number) => PAD.top + plotH - (value / top) * plotH;
  const first = hours[0]?.hour;
  const last = hours.at(-1)?.hour;
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="runs-chart-title"
        class="runs-chart"
        preserveAspectRatio="xMidYMid meet"
      >
        <title id="runs-chart-title">
          {`Runs per hour by status, ${first ? hourLabel(first) : ''} to ${last ? hourLabel(last) : ''} UTC`}
        </title>
        {[0, top / 2, top].map((tick) => (
          <g class="grid">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} />
            <text x={PAD.left - 6} y={y(tick) + 4} text-anchor="end">
              {Number.isInteger(tick) ? tick : tick.toFixed(1)}
            </text>
          </g>
        ))}
        {hours.map((h, i) => {
          const x = PAD.left + i * slot + (slot - barW) / 2;
          let base = 0;
          return (
            <g class="bar">
              <title>{`${hourLabel(h.hour)} UTC: ${describe(h.counts)}`}</title>
              <rect x={x} y={PAD.top} width={barW} height={plotH} class="hover-target" />
              {CHART_STATUSES.map((status) => {
                const n = h.counts[status] ?? 0;
                if (!n) return null;
                const rect = (
                  <rect x={x} y={y(base + n)} width={barW} height={y(base) - y(base + n)} class={`fill-${status}`} />
                );
                base += n;
                return rect;
              })}
              {i % 3 === 0 && (
                <text class="axis" x={x + barW / 2} y={HEIGHT - 8} text-anchor="middle">
                  {hourLabel(h.hour)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="legend">
          {CHART_STATUSES.map((status) => (
            <li>
              <span class={`swatch fill-${status}`} aria-hidden="true" /> {status.replace('_', ' ')}
            </li>
          ))}
        </ul>
        <details>
          <summary>Show as a table</summary>
          <table class="compact">
            <thead>
              <tr>
                <th>Hour (UTC)</th>
                <th>Runs</th>
              </tr>
            </thead>
            <tbody>
              {hours.map((h) => (
                <tr>
                  <td>{hourLabel(h.hour)}</td>
                  <td>{describe(h.counts)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
