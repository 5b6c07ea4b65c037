/**
 * A small RFC 4180 CSV reader/writer shared (by copy) between the csv skills: quoted fields, doubled quotes,
 * delimiters and line breaks inside quotes, CRLF/LF/CR line ends and a leading BOM. Keep the copies identical.
 */

export interface CsvParseOptions {
  /** Single-character field separator; ',' by default. */
  delimiter?: string;
  /** Refuse input with more data rows than this (header excluded). */
  maxRows?: number;
  /** Refuse rows with more fields than this. */
  maxColumns?: number;
}

export interface CsvTable {
  headers: string[];
  rows: string[][];
}

export const DEFAULT_MAX_ROWS = 100_000;
export const DEFAULT_MAX_COLUMNS = 1_000;

export function checkDelimiter(delimiter: string): string {
  if (delimiter === '\\t' || delimiter.toLowerCase() === 'tab') return '\t';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new Error(
      `Invalid delimiter ${JSON.stringify(delimiter)}: use one character other than a quote or line break`,
    );
  }
  return delimiter;
}

/** Parses CSV text into records of raw string fields. Blank lines are skipped. */
export function parseCsvRecords(text: string, options: CsvParseOptions = {}): string[][] {
  const delimiter = checkDelimiter(options.delimiter ?? ',');
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let inQuotes = false;
  let fieldWasQuoted = false;
  let line = 1;

  const endField = () => {
    record.push(field);
    if (record.length > maxColumns) throw new Error(`Row at line ${line} has more than ${maxColumns} columns`);
    field = '';
    fieldWasQuoted = false;
  };
  const endRecord = () => {
    const quoted = fieldWasQuoted;
    endField();
    const blank = record.length === 1 && record[0] === '' && !quoted;
    if (!blank) records.push(record);
    // +1 for the header row, which is not a data row.
    if (records.length > maxRows + 1) throw new Error(`CSV has more than ${maxRows} data rows (limit)`);
    record = [];
  };

  for (let i = 0; i < input.length; i++) {
    const char = input[i];
    if (inQuotes) {
      if (char === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (char === '\n') line++;
        field += char;
      }
    } else if (char === '"' && field === '') {
      inQuotes = true;
      fieldWasQuoted = true;
    } else if (char === delimiter) {
      endField();
    } else if (char === '\r' || char === '\n') {
      if (char === '\r' && input[i + 1] === '\n') i++;
      endRecord();
      line++;
    } else {
      field += char;
    }
  }
  if (inQuotes) throw new Error(`Unterminated quoted field starting before line ${line}`);
  if (field !== '' || record.length > 0 || fieldWasQuoted) endRecord();
  return records;
}

/** Parses CSV whose first record is the header row. Short rows are padded with ''. */
export function parseCsv(text: string, options: CsvParseOptions = {}): CsvTable {
  const records = parseCsvRecords(text, options);
  const headerRecord = records[0];
  if (!headerRecord) throw new Error('CSV is empty: expected a header row');
  const headers = uniqueHeaders(headerRecord);
  const rows = records.slice(1).map((record, index) => {
    if (record.length > headers.length) {
      throw new Error(`Row ${index + 1} has ${record.length} fields but the header has ${headers.length}`);
    }
    while (record.length < headers.length) record.push('');
    return record;
  });
  return { headers, rows };
}

/** Trims header names, names empty ones column_N and de-duplicates repeats as name_2, name_3. */
function uniqueHeaders(raw: string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((value, index) => {
    const base = value.trim() || `column_${index + 1}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}_${count}`;
  });
}

/** Quotes a field only when it must be: delimiter, quote, line break, or surrounding spaces. */
export function formatCsvField(value: string, delimiter: string): string {
  const needsQuotes =
    value.includes(delimiter) ||
    value.includes('"') ||
    value.includes('\n') ||
    value.includes('\r') ||
    value !== value.trim();
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
}

export function formatCsv(rows: string[][], delimiter = ',', lineEnd = '\n'): string {
  const sep = checkDelimiter(delimiter);
  return rows.map((row) => row.map((value) => formatCsvField(value, sep)).join(sep)).join(lineEnd) + lineEnd;
}

/** Parses a numeric cell leniently for charts and totals: '1,234.5', '$12', '45%' → number; otherwise undefined. */
export function parseNumberLoose(raw: string): number | undefined {
  const cleaned = raw
    .trim()
    .replace(/^[$€£¥]/, '')
    .replace(/%$/, '')
    .replaceAll(/(?<=\d),(?=\d{3}\b)/g, '');
  if (cleaned === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cleaned)) return undefined;
  return Number(cleaned);
}
