import { parseCsv, parseNumberLoose } from './csv.ts';
import { readOptionalText, type SkillContext } from './ctx.ts';
import { renderChart, type Series } from './svg.ts';

interface Input {
  csv?: string;
  file?: string;
  delimiter?: string;
  type?: 'bar' | 'line';
  x?: string;
  /** One column name, several separated by commas, or an array of names. */
  y?: string | string[];
  aggregate?: 'none' | 'sum' | 'mean' | 'count';
  title?: string;
  width?: number;
  height?: number;
  /** Also return the SVG text in the output (for composing skills, which cannot read artifacts). */
  return_svg?: boolean;
}

const MAX_INPUT_CHARS = 5_000_000;
const MAX_POINTS = 2_000;

export default async function run(input: Input, ctx: SkillContext) {
  const fileName = input.file ?? 'data.csv';
  const text = input.csv ?? (await readOptionalText(ctx, fileName));
  if (text === undefined) throw new Error(`No CSV given: pass input "csv" or send a file named "${fileName}"`);
  if (text.length > MAX_INPUT_CHARS)
    throw new Error(`CSV is ${text.length} characters; the limit is ${MAX_INPUT_CHARS}`);
  const type = input.type ?? 'bar';
  if (type !== 'bar' && type !== 'line') throw new Error(`Unknown chart type "${String(type)}": use "bar" or "line"`);
  const aggregate = input.aggregate ?? 'none';
  if (!['none', 'sum', 'mean', 'count'].includes(aggregate)) {
    throw new Error(`Unknown aggregate "${aggregate}": use none, sum, mean or count`);
  }

  const { headers, rows } = parseCsv(text, { delimiter: input.delimiter ?? ',' });
  if (rows.length === 0) throw new Error('CSV has a header but no data rows');
  const column = (name: string) => {
    const index = headers.indexOf(name);
    if (index < 0) throw new Error(`Column "${name}" not found; columns are: ${headers.join(', ')}`);
    return index;
  };
  const isNumeric = (index: number) =>
    rows.every((row) => (row[index] ?? '').trim() === '' || parseNumberLoose(row[index] ?? '') !== undefined);

  const xName = input.x ?? headers[0]!;
  const xIndex = column(xName);
  const yNames = normalizeNames(input.y) ?? defaultYColumns(headers, xIndex, isNumeric, aggregate);
  const yIndexes = yNames.map(column);
  if (aggregate !== 'count') {
    for (const [i, index] of yIndexes.entries()) {
      if (!isNumeric(index)) throw new Error(`Column "${yNames[i]}" is not numeric; choose numeric y columns`);
    }
  }

  const { categories, series } = buildSeries(rows, xIndex, yIndexes, yNames, aggregate);
  if (categories.length > MAX_POINTS)
    throw new Error(`Too many points (${categories.length}); the limit is ${MAX_POINTS}`);
  if (!series.some((s) => s.values.some(Number.isFinite))) throw new Error('No numeric values to plot');

  const yLabel =
    aggregate === 'count' ? 'count' : aggregate === 'none' ? yNames.join(', ') : `${aggregate} of ${yNames.join(', ')}`;
  const title = input.title ?? `${yLabel} by ${xName}`;
  const svg = renderChart({
    type,
    title,
    xLabel: xName,
    yLabel,
    categories,
    series,
    width: clamp(input.width ?? 800, 300, 4000),
    height: clamp(input.height ?? 450, 200, 3000),
  });
  const artifact = await ctx.artifacts.write('chart.svg', svg, { mimeType: 'image/svg+xml' });
  const values = series.flatMap((s) => s.values).filter(Number.isFinite);
  return {
    artifact,
    type,
    title,
    x: xName,
    y: series.map((s) => s.name),
    points: categories.length,
    min: Math.min(...values),
    max: Math.max(...values),
    ...(input.return_svg ? { svg } : {}),
  };
}

function normalizeNames(y: Input['y']): string[] | undefined {
  if (y === undefined) return undefined;
  const names = (Array.isArray(y) ? y : y.split(',')).map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new Error('"y" names no column');
  return names;
}

function defaultYColumns(
  headers: string[],
  xIndex: number,
  isNumeric: (index: number) => boolean,
  aggregate: string,
): string[] {
  if (aggregate === 'count') return [headers[xIndex]!];
  const index = headers.findIndex((_, i) => i !== xIndex && isNumeric(i));
  if (index < 0) throw new Error('No numeric column to plot; pass "y" with a numeric column name');
  return [headers[index]!];
}

/** Groups rows by x when aggregating (first-seen order); otherwise one point per row. */
function buildSeries(rows: string[][], xIndex: number, yIndexes: number[], yNames: string[], aggregate: string) {
  if (aggregate === 'none') {
    return {
      categories: rows.map((row) => row[xIndex] ?? ''),
      series: yIndexes.map(
        (index, i): Series => ({
          name: yNames[i]!,
          values: rows.map((row) => parseNumberLoose(row[index] ?? '') ?? Number.NaN),
        }),
      ),
    };
  }
  const groups = new Map<string, string[][]>();
  for (const row of rows) {
    const key = row[xIndex] ?? '';
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const categories = [...groups.keys()];
  const series = yIndexes.map(
    (index, i): Series => ({
      name: aggregate === 'count' ? 'count' : yNames[i]!,
      values: categories.map((key) => {
        const groupRows = groups.get(key) ?? [];
        if (aggregate === 'count') return groupRows.length;
        const numbers = groupRows.map((row) => parseNumberLoose(row[index] ?? '')).filter((n) => n !== undefined);
        const sum = numbers.reduce((total, n) => total + n, 0);
        return aggregate === 'mean' ? (numbers.length ? sum / numbers.length : Number.NaN) : sum;
      }),
    }),
  );
  return { categories, series: aggregate === 'count' ? series.slice(0, 1) : series };
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : min;
}
