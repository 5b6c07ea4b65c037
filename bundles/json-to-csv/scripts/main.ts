import { checkDelimiter, formatCsv } from './csv.ts';
import { readOptionalText, type SkillContext } from './ctx.ts';

interface Input {
  /** Array of objects or arrays, or the same as a JSON string. */
  json?: unknown;
  file?: string;
  delimiter?: string;
  columns?: string[];
  header?: boolean;
  line_ending?: 'lf' | 'crlf';
}

const MAX_INPUT_CHARS = 5_000_000;
const MAX_ROWS = 100_000;
/** The CSV is always stored as an artifact; it is echoed in the output only while small. */
const MAX_INLINE_CSV_CHARS = 100_000;

export default async function run(input: Input, ctx: SkillContext) {
  const records = await loadRecords(input, ctx);
  const delimiter = checkDelimiter(input.delimiter ?? ',');
  const objectRows = records.every((record) => isPlainObject(record));
  const arrayRows = records.every((record) => Array.isArray(record));
  if (!objectRows && !arrayRows) {
    throw new Error('JSON must be an array whose items are all objects or all arrays');
  }

  let columns: string[];
  let table: string[][];
  if (objectRows) {
    columns = input.columns ?? unionOfKeys(records as Record<string, unknown>[]);
    table = (records as Record<string, unknown>[]).map((record) => columns.map((name) => formatValue(record[name])));
  } else {
    const width = Math.max(0, ...(records as unknown[][]).map((row) => row.length));
    columns = input.columns ?? Array.from({ length: width }, (_, index) => `column_${index + 1}`);
    table = (records as unknown[][]).map((row) => columns.map((_, index) => formatValue(row[index])));
  }
  if (columns.length === 0) throw new Error('No columns: the JSON rows have no fields');

  const rows = input.header === false ? table : [columns, ...table];
  const csv = formatCsv(rows, delimiter, input.line_ending === 'crlf' ? '\r\n' : '\n');
  const artifact = await ctx.artifacts.write('data.csv', csv, { mimeType: 'text/csv' });
  return {
    columns,
    row_count: table.length,
    artifact,
    ...(csv.length <= MAX_INLINE_CSV_CHARS ? { csv } : { csv_truncated: true }),
  };
}

async function loadRecords(input: Input, ctx: SkillContext): Promise<unknown[]> {
  let value = input.json;
  if (value === undefined) {
    const fileName = input.file ?? 'data.json';
    value = await readOptionalText(ctx, fileName);
    if (value === undefined) throw new Error(`No JSON given: pass input "json" or send a file named "${fileName}"`);
  }
  if (typeof value === 'string') {
    if (value.length > MAX_INPUT_CHARS)
      throw new Error(`JSON is ${value.length} characters; the limit is ${MAX_INPUT_CHARS}`);
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new Error(`Input is not valid JSON: ${(error as Error).message}`);
    }
  }
  // A single object, or {"data": [...]}-style wrappers, are common; accept the obvious cases.
  if (isPlainObject(value)) {
    const arrays = Object.values(value).filter(Array.isArray);
    value = arrays.length === 1 ? arrays[0] : [value];
  }
  if (!Array.isArray(value)) throw new Error('JSON must be an array of records');
  if (value.length > MAX_ROWS) throw new Error(`JSON has ${value.length} rows; the limit is ${MAX_ROWS}`);
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys in first-seen order across all records, so sparse records still get every column. */
function unionOfKeys(records: Record<string, unknown>[]): string[] {
  const keys = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) keys.add(key);
  return [...keys];
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  // Nested objects and arrays are kept as JSON so no information is lost.
  return JSON.stringify(value);
}
