/** Renders bar and line charts as standalone SVG (no fonts or scripts to load, so it renders anywhere). */
import { formatCompact, linearScale } from './scale.ts';

export interface Series {
  name: string;
  values: number[];
}

export interface ChartSpec {
  type: 'bar' | 'line';
  title: string;
  xLabel: string;
  yLabel: string;
  categories: string[];
  series: Series[];
  width: number;
  height: number;
}

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7'];
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function renderChart(spec: ChartSpec): string {
  const { width, height, categories, series } = spec;
  const longestLabel = Math.max(0, ...categories.map((label) => Math.min(label.length, 18)));
  // Rotate x labels when they would collide; that needs more room below the plot.
  const slot = (width - 140) / Math.max(1, categories.length);
  const rotate = longestLabel * 7 > slot;
  const legendHeight = series.length > 1 ? 24 : 0;
  const plot = {
    left: 80,
    right: width - 30,
    top: 60 + legendHeight,
    bottom: height - (rotate ? 40 + longestLabel * 5 : 60),
  };
  const allValues = series.flatMap((s) => s.values).filter(Number.isFinite);
  const scale = linearScale(Math.min(...allValues), Math.max(...allValues), spec.type === 'bar');
  const y = (value: number) => scale.toPixel(value, plot.bottom, plot.top);
  const bandWidth = (plot.right - plot.left) / Math.max(1, categories.length);
  const xCenter = (index: number) => plot.left + bandWidth * (index + 0.5);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(spec.title)}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="32" text-anchor="middle" ${FONT} font-size="20" font-weight="bold" fill="#222">${escapeXml(spec.title)}</text>`,
  );

  // Grid lines and y ticks.
  parts.push('<g class="y-axis">');
  for (const tick of scale.ticks) {
    const ty = y(tick).toFixed(1);
    parts.push(
      `<line x1="${plot.left}" x2="${plot.right}" y1="${ty}" y2="${ty}" stroke="#e5e5e5"/>`,
      `<text x="${plot.left - 8}" y="${ty}" dy="0.32em" text-anchor="end" ${FONT} font-size="12" fill="#555">${escapeXml(formatCompact(tick))}</text>`,
    );
  }
  parts.push('</g>');

  // Show at most ~20 x labels so dense series stay readable.
  const labelEvery = Math.ceil(categories.length / 20);
  parts.push('<g class="x-axis">');
  categories.forEach((label, index) => {
    if (index % labelEvery !== 0) return;
    const lx = xCenter(index).toFixed(1);
    const text = escapeXml(truncate(label, 18));
    parts.push(`<line x1="${lx}" x2="${lx}" y1="${plot.bottom}" y2="${plot.bottom + 5}" stroke="#333"/>`);
    parts.push(
      rotate
        ? `<text transform="translate(${lx},${plot.bottom + 12}) rotate(-40)" text-anchor="end" ${FONT} font-size="12" fill="#555">${text}</text>`
        : `<text x="${lx}" y="${plot.bottom + 20}" text-anchor="middle" ${FONT} font-size="12" fill="#555">${text}</text>`,
    );
  });
  parts.push('</g>');

  parts.push(spec.type === 'bar' ? renderBars(spec, y, xCenter, bandWidth) : renderLines(spec, y, xCenter));

  // Axes on top of the marks; the x axis sits at zero when the range crosses it.
  const zeroY = y(Math.min(Math.max(0, scale.min), scale.max)).toFixed(1);
  parts.push(
    `<line x1="${plot.left}" x2="${plot.left}" y1="${plot.top}" y2="${plot.bottom}" stroke="#333"/>`,
    `<line x1="${plot.left}" x2="${plot.right}" y1="${zeroY}" y2="${zeroY}" stroke="#333"/>`,
    `<text x="${(plot.left + plot.right) / 2}" y="${height - 10}" text-anchor="middle" ${FONT} font-size="13" fill="#333">${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(18,${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle" ${FONT} font-size="13" fill="#333">${escapeXml(spec.yLabel)}</text>`,
  );
  if (series.length > 1) parts.push(renderLegend(series, plot.left, 48));
  parts.push('</svg>');
  return parts.join('\n');
}

function renderBars(
  spec: ChartSpec,
  y: (value: number) => number,
  xCenter: (index: number) => number,
  bandWidth: number,
): string {
  const groupWidth = bandWidth * 0.8;
  const barWidth = groupWidth / spec.series.length;
  const marks: string[] = ['<g class="bars">'];
  spec.series.forEach((series, seriesIndex) => {
    const color = PALETTE[seriesIndex % PALETTE.length];
    series.values.forEach((value, index) => {
      if (!Number.isFinite(value)) return;
      const x = xCenter(index) - groupWidth / 2 + barWidth * seriesIndex;
      const top = Math.min(y(value), y(0));
      const barHeight = Math.abs(y(value) - y(0));
      const label = `${spec.categories[index] ?? ''}: ${value}`;
      marks.push(
        `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(1, barWidth - 2).toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${color}"><title>${escapeXml(label)}</title></rect>`,
      );
    });
  });
  marks.push('</g>');
  return marks.join('\n');
}

function renderLines(spec: ChartSpec, y: (value: number) => number, xCenter: (index: number) => number): string {
  const marks: string[] = ['<g class="lines">'];
  spec.series.forEach((series, seriesIndex) => {
    const color = PALETTE[seriesIndex % PALETTE.length];
    const points = series.values
      .map((value, index) => (Number.isFinite(value) ? `${xCenter(index).toFixed(1)},${y(value).toFixed(1)}` : ''))
      .filter(Boolean);
    marks.push(`<polyline fill="none" stroke="${color}" stroke-width="2.5" points="${points.join(' ')}"/>`);
    series.values.forEach((value, index) => {
      if (!Number.isFinite(value)) return;
      marks.push(
        `<circle cx="${xCenter(index).toFixed(1)}" cy="${y(value).toFixed(1)}" r="3.5" fill="${color}"><title>${escapeXml(`${spec.categories[index] ?? ''}: ${value}`)}</title></circle>`,
      );
    });
  });
  marks.push('</g>');
  return marks.join('\n');
}

function renderLegend(series: Series[], left: number, top: number): string {
  const items = series.map((s, index) => {
    const x = left + index * 140;
    const color = PALETTE[index % PALETTE.length];
    return `<rect x="${x}" y="${top - 10}" width="12" height="12" fill="${color}"/><text x="${x + 18}" y="${top}" ${FONT} font-size="12" fill="#333">${escapeXml(truncate(s.name, 18))}</text>`;
  });
  return `<g class="legend">${items.join('')}</g>`;
}
