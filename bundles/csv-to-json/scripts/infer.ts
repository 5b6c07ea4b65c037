/**
 * Column-wise type inference. A column is typed as a whole (not cell by cell) so that e.g. a ZIP code column
 * with one "02139" stays text everywhere instead of mixing strings and numbers.
 */

export type ColumnType = 'number' | 'boolean' | 'string' | 'null';
export type Cell = string | number | boolean | null;

// No leading zeros ("007" is an identifier, not 7), no hex, no "Infinity"; dates never match.
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/;
const BOOLEAN = /^(true|false)$/i;
const NULL = /^(null|NULL|Null)$/;

function isNullish(value: string): boolean {
  return value === '' || NULL.test(value);
}

export function inferColumnType(values: string[]): ColumnType {
  let type: ColumnType = 'null';
  for (const raw of values) {
    const value = raw.trim();
    if (isNullish(value)) continue;
    const cellType: ColumnType = NUMBER.test(value) ? 'number' : BOOLEAN.test(value) ? 'boolean' : 'string';
    if (type === 'null') type = cellType;
    else if (type !== cellType) return 'string';
  }
  return type;
}

export function convertCell(raw: string, type: ColumnType): Cell {
  const value = raw.trim();
  if (type === 'string') return raw;
  if (isNullish(value)) return null;
  if (type === 'number') return Number(value);
  if (type === 'boolean') return value.toLowerCase() === 'true';
  return null;
}
