/** Turns a sheet's rows into what the slides show: headers, a preview, and figures for numeric columns. */
import type { CellValue, Sheet } from './xlsx.ts';

export interface NumericColumn {
  name: string;
  count: number;
  sum: number;
  mean: number;
  min: number;
  max: number;
}

export interface SheetSummary {
  name: string;
  headers: string[];
  /** Data rows (header excluded). */
  rowCount: number;
  columnCount: number;
  preview: CellValue[][];
  numericColumns: NumericColumn[];
}

/**
 * The first row is taken as the header when all its non-empty cells are text; otherwise columns are named
 * A, B, C like the spreadsheet does.
 */
export function summarizeSheet(sheet: Sheet, previewRows: number): SheetSummary {
  const rows = sheet.rows.filter((row) => row.some((value) => value !== null));
  const columnCount = Math.max(0, ...rows.map((row) => row.length));
  const first = rows[0] ?? [];
  const hasHeader = first.length > 0 && first.every((value) => value === null || typeof value === 'string');
  const headers = Array.from({ length: columnCount }, (_, index) => {
    const label = hasHeader ? first[index] : null;
    return typeof label === 'string' && label.trim() !== '' ? label.trim() : columnLetter(index);
  });
  const data = hasHeader ? rows.slice(1) : rows;

  const numericColumns: NumericColumn[] = [];
  headers.forEach((name, index) => {
    const values = data.map((row) => row[index] ?? null).filter((value) => value !== null);
    // A column counts as numeric when all its non-empty cells are numbers (a stray note makes it text).
    if (values.length === 0 || !values.every((value) => typeof value === 'number')) return;
    const numbers = values as number[];
    const sum = numbers.reduce((total, value) => total + value, 0);
    numericColumns.push({
      name,
      count: numbers.length,
      sum: roundTo(sum, 6),
      mean: roundTo(sum / numbers.length, 6),
      min: Math.min(...numbers),
      max: Math.max(...numbers),
    });
  });

  return {
    name: sheet.name,
    headers,
    rowCount: data.length,
    columnCount,
    preview: data.slice(0, previewRows),
    numericColumns,
  };
}

export function columnLetter(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** 1234567.891 → "1,234,567.89"; formatting by hand because Intl may be absent in a bare isolate. */
export function formatNumber(value: number, maxDecimals = 2): string {
  if (!Number.isFinite(value)) return String(value);
  const fixed = Math.abs(value)
    .toFixed(maxDecimals)
    .replace(/\.?0+$/, '');
  const [whole = '0', fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value < 0 && Number(fixed) !== 0 ? '-' : ''}${grouped}${fraction ? `.${fraction}` : ''}`;
}

export function formatCell(value: CellValue): string {
  if (value === null) return '';
  // Small integers are often years or IDs, which read wrong with a thousands separator.
  if (typeof value === 'number')
    return Number.isInteger(value) && Math.abs(value) < 10_000 ? String(value) : formatNumber(value, 4);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return value;
}
