import { formatCsv, parseCsv, parseNumberLoose } from './csv.ts';
import { type ArtifactInfo, readOptionalText, type SkillContext } from './ctx.ts';
import { type GroupTotal, renderReportMarkdown } from './report.ts';

interface Input {
  csv?: string;
  file?: string;
  amount_column?: string;
  group_by?: string;
  title?: string;
  currency?: string;
}

const AMOUNT_NAMES = ['revenue', 'amount', 'sales', 'total', 'price', 'value'];
const GROUP_NAMES = ['region', 'product', 'category', 'month', 'customer', 'channel'];
const MAX_INPUT_CHARS = 5_000_000;
const MAX_CHART_GROUPS = 25;

export default async function run(input: Input, ctx: SkillContext) {
  const fileName = input.file ?? 'sales.csv';
  const text = input.csv ?? (await readOptionalText(ctx, fileName));
  if (text === undefined) throw new Error(`No sales CSV given: pass input "csv" or send a file named "${fileName}"`);
  if (text.length > MAX_INPUT_CHARS)
    throw new Error(`CSV is ${text.length} characters; the limit is ${MAX_INPUT_CHARS}`);
  const { headers, rows } = parseCsv(text);
  if (rows.length === 0) throw new Error('The CSV has a header but no rows');

  const find = (name: string) => {
    const index = headers.findIndex((header) => header.toLowerCase() === name.toLowerCase());
    if (index < 0) throw new Error(`Column "${name}" not found; columns are: ${headers.join(', ')}`);
    return index;
  };
  const numericShare = (index: number) =>
    rows.filter((row) => parseNumberLoose(row[index] ?? '') !== undefined).length / rows.length;
  const amountIndex =
    input.amount_column !== undefined
      ? find(input.amount_column)
      : pickColumn(headers, AMOUNT_NAMES, (index) => numericShare(index) >= 0.8);
  if (amountIndex < 0 || numericShare(amountIndex) === 0) {
    throw new Error(`No numeric amount column found; pass "amount_column" (columns: ${headers.join(', ')})`);
  }
  const groupIndex =
    input.group_by !== undefined
      ? find(input.group_by)
      : pickColumn(headers, GROUP_NAMES, (index) => index !== amountIndex && numericShare(index) < 0.5);

  // Totals, skipping rows whose amount is empty or not a number.
  const amounts: number[] = [];
  const groups = new Map<string, { total: number; rows: number }>();
  let skipped = 0;
  for (const row of rows) {
    const amount = parseNumberLoose(row[amountIndex] ?? '');
    if (amount === undefined) {
      skipped++;
      continue;
    }
    amounts.push(amount);
    if (groupIndex >= 0) {
      const key = (row[groupIndex] ?? '').trim() || '(blank)';
      const group = groups.get(key) ?? { total: 0, rows: 0 };
      group.total += amount;
      group.rows++;
      groups.set(key, group);
    }
  }
  const total = round2(amounts.reduce((sum, n) => sum + n, 0));
  const groupTotals: GroupTotal[] = [...groups.entries()]
    .map(([name, group]) => ({
      name,
      total: round2(group.total),
      rows: group.rows,
      share: total === 0 ? 0 : round2((group.total / total) * 100),
    }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));

  const amountName = headers[amountIndex]!;
  const groupName = groupIndex >= 0 ? headers[groupIndex]! : undefined;
  const title = input.title ?? 'Sales report';

  // The chart gets the already-aggregated totals so its bars match the table exactly.
  const chartRows = groupName
    ? groupTotals.slice(0, MAX_CHART_GROUPS).map((group) => [group.name, String(group.total)])
    : rows
        .slice(0, 200)
        .map((row, index) => [String(index + 1), String(parseNumberLoose(row[amountIndex] ?? '') ?? '')]);
  const chartResult = await callChild(ctx, 'csv-to-chart', {
    csv: formatCsv([[groupName ?? 'row', amountName], ...chartRows]),
    type: groupName ? 'bar' : 'line',
    title: groupName ? `${amountName} by ${groupName}` : `${amountName} per row`,
    return_svg: true,
  });
  const chart = chartResult['artifact'] as ArtifactInfo;
  const svg = String(chartResult['svg'] ?? '');

  const totals = {
    rows: rows.length,
    skipped_rows: skipped,
    total,
    mean: amounts.length ? round2(total / amounts.length) : 0,
    min: amounts.length ? Math.min(...amounts) : 0,
    max: amounts.length ? Math.max(...amounts) : 0,
    groups: groupTotals,
  };
  const markdown = renderReportMarkdown({
    title,
    currency: input.currency ?? '',
    amountName,
    groupName,
    totals,
    chartDataUri: `data:image/svg+xml;base64,${base64Utf8(svg)}`,
    headers,
    topRows: [...rows]
      .filter((row) => parseNumberLoose(row[amountIndex] ?? '') !== undefined)
      .sort((a, b) => (parseNumberLoose(b[amountIndex] ?? '') ?? 0) - (parseNumberLoose(a[amountIndex] ?? '') ?? 0))
      .slice(0, 5),
  });
  const htmlResult = await callChild(ctx, 'markdown-to-html', {
    markdown,
    title,
    subtitle: `${rows.length} rows · ${amountName}`,
  });

  return {
    report: htmlResult['artifact'] as ArtifactInfo,
    chart,
    totals,
    amount_column: amountName,
    group_by: groupName ?? null,
  };
}

/** Index of the first header named like one of `names`, else the first column passing `fallback`, else -1. */
function pickColumn(headers: string[], names: string[], fallback: (index: number) => boolean): number {
  const lower = headers.map((header) => header.toLowerCase());
  for (const name of names) {
    const index = lower.findIndex((header) => header === name || header.includes(name));
    if (index >= 0 && fallback(index)) return index;
  }
  return headers.findIndex((_, index) => fallback(index));
}

async function callChild(ctx: SkillContext, skill: string, input: unknown): Promise<Record<string, unknown>> {
  try {
    const output = await ctx.callSkill(skill, input);
    if (typeof output !== 'object' || output === null) throw new Error('returned no output object');
    return output as Record<string, unknown>;
  } catch (error) {
    throw new Error(`The ${skill} skill failed: ${(error as Error).message}`);
  }
}

/** btoa only takes Latin-1, so encode to UTF-8 bytes first. */
function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
