import { DEFAULT_MAX_COLUMNS, parseCsv, parseCsvRecords } from './csv.ts';
import { readOptionalText, type SkillContext } from './ctx.ts';
import { type Cell, type ColumnType, convertCell, inferColumnType } from './infer.ts';

interface Input {
  csv?: string;
  file?: string;
  delimiter?: string;
  header?: boolean;
  infer_types?: boolean;
  format?: 'objects' | 'arrays';
  max_rows?: number;
  as_artifact?: boolean;
}

/** Input text above this is refused before parsing so a huge upload fails fast with a clear message. */
const MAX_INPUT_CHARS = 5_000_000;
const HARD_MAX_ROWS = 100_000;

export default async function run(input: Input, ctx: SkillContext) {
  const fileName = input.file ?? 'data.csv';
  const text = input.csv ?? (await readOptionalText(ctx, fileName));
  if (text === undefined) throw new Error(`No CSV given: pass input "csv" or send a file named "${fileName}"`);
  if (text.length > MAX_INPUT_CHARS) {
    throw new Error(`CSV is ${text.length} characters; the limit is ${MAX_INPUT_CHARS}`);
  }
  const maxRows = input.max_rows ?? 10_000;
  if (!Number.isInteger(maxRows) || maxRows < 1 || maxRows > HARD_MAX_ROWS) {
    throw new Error(`max_rows must be an integer between 1 and ${HARD_MAX_ROWS}`);
  }
  const parseOptions = { delimiter: input.delimiter ?? ',', maxRows, maxColumns: DEFAULT_MAX_COLUMNS };

  let headers: string[];
  let rows: string[][];
  if (input.header === false) {
    rows = parseCsvRecords(text, { ...parseOptions, maxRows: maxRows - 1 });
    const width = Math.max(0, ...rows.map((row) => row.length));
    headers = Array.from({ length: width }, (_, index) => `column_${index + 1}`);
    for (const row of rows) while (row.length < width) row.push('');
  } else {
    ({ headers, rows } = parseCsv(text, parseOptions));
  }

  const types: ColumnType[] = headers.map((_, column) =>
    input.infer_types === false ? 'string' : inferColumnType(rows.map((row) => row[column] ?? '')),
  );
  const typedRows: Cell[][] = rows.map((row) =>
    row.map((value, column) => convertCell(value, types[column] ?? 'string')),
  );
  const data =
    input.format === 'arrays'
      ? typedRows
      : typedRows.map((row) => Object.fromEntries(headers.map((name, column) => [name, row[column] ?? null])));

  const columns = headers.map((name, column) => ({ name, type: types[column] }));
  if (input.as_artifact) {
    const artifact = await ctx.artifacts.write('data.json', JSON.stringify(data, null, 2), {
      mimeType: 'application/json',
    });
    return { columns, row_count: rows.length, artifact };
  }
  return { columns, row_count: rows.length, rows: data };
}
