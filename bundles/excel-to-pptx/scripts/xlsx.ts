/**
 * Minimal .xlsx (SpreadsheetML) reader: finds the workbook through the package relationships, reads sheet names
 * and order from workbook.xml, resolves each sheet's part through workbook.xml.rels, and decodes cells: shared
 * strings (plain and rich text), inline strings, formula string results, numbers, booleans, errors, and numbers
 * whose style is a date format (returned as ISO date strings).
 */

import { XMLParser } from 'fast-xml-parser';
import { unzipSync } from 'fflate';
import { isDateFormat, serialToIsoDate } from './numfmt.ts';

export type CellValue = string | number | boolean | null;

export interface Sheet {
  name: string;
  /** Dense rows; missing cells are null. Trailing empty rows are dropped. */
  rows: CellValue[][];
}

export interface Workbook {
  sheets: Sheet[];
}

export interface ReadOptions {
  /** Stop reading a sheet after this many rows (the rest is not needed for the summary). */
  maxRowsPerSheet?: number;
  maxColumns?: number;
}

type XmlNode = Record<string, unknown>;

const ARRAY_TAGS = new Set(['sheet', 'Relationship', 'row', 'c', 'si', 'r', 'xf', 'numFmt']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Numeric character references (&#8364; &#x20AC;) in text and attributes: openpyxl (Python's ElementTree) writes
  // every non-ASCII character that way.
  htmlEntities: true,
  isArray: (name) => ARRAY_TAGS.has(name),
});

const decoder = new TextDecoder();

export function readWorkbook(bytes: Uint8Array, options: ReadOptions = {}): Workbook {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch {
    throw new Error('File is not a valid .xlsx workbook (not a ZIP archive); legacy .xls files are not supported');
  }
  const readXml = (path: string): XmlNode | undefined => {
    const data = entries[path.replace(/^\//, '')];
    return data ? (parser.parse(decoder.decode(data)) as XmlNode) : undefined;
  };

  const rootRels = relationships(readXml('_rels/.rels'));
  const workbookPath =
    rootRels.find((rel) => rel.type.endsWith('/officeDocument'))?.target.replace(/^\//, '') ?? 'xl/workbook.xml';
  const workbook = readXml(workbookPath);
  if (!workbook) throw new Error('File is not an .xlsx workbook: xl/workbook.xml is missing');
  const baseDir = workbookPath.slice(0, workbookPath.lastIndexOf('/') + 1);
  const workbookRels = relationships(readXml(`${baseDir}_rels/${workbookPath.slice(baseDir.length)}.rels`));
  const resolve = (target: string) => (target.startsWith('/') ? target.slice(1) : normalize(baseDir + target));

  const sharedStringsRel = workbookRels.find((rel) => rel.type.endsWith('/sharedStrings'));
  const sharedStrings = readSharedStrings(
    readXml(sharedStringsRel ? resolve(sharedStringsRel.target) : `${baseDir}sharedStrings.xml`),
  );
  const stylesRel = workbookRels.find((rel) => rel.type.endsWith('/styles'));
  const dateStyles = readDateStyles(readXml(stylesRel ? resolve(stylesRel.target) : `${baseDir}styles.xml`));
  const workbookNode = child(workbook, 'workbook');
  const date1904 = ['1', 'true'].includes(String(child(workbookNode, 'workbookPr')?.['@_date1904'] ?? ''));

  const sheetNodes = children(child(workbookNode, 'sheets'), 'sheet');
  const sheets = sheetNodes.map((node): Sheet => {
    const name = String(node['@_name'] ?? 'Sheet');
    const relId = String(node['@_id'] ?? '');
    const rel = workbookRels.find((candidate) => candidate.id === relId);
    const sheetXml = rel ? readXml(resolve(rel.target)) : undefined;
    if (!sheetXml) return { name, rows: [] }; // chart sheets and dialog sheets have no cell data
    const context = { sharedStrings, dateStyles, date1904 };
    return { name, rows: readSheetRows(child(sheetXml, 'worksheet'), context, options) };
  });
  return { sheets };
}

interface Relationship {
  id: string;
  type: string;
  target: string;
}

function relationships(xml: XmlNode | undefined): Relationship[] {
  return children(child(xml, 'Relationships'), 'Relationship').map((rel) => ({
    id: String(rel['@_Id'] ?? ''),
    type: String(rel['@_Type'] ?? ''),
    target: String(rel['@_Target'] ?? ''),
  }));
}

/** Resolves "." and ".." in a zip path such as "xl/../xl/worksheets/sheet1.xml". */
function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

function readSharedStrings(xml: XmlNode | undefined): string[] {
  return children(child(xml, 'sst'), 'si').map((item) => {
    // Plain <si><t>..</t></si>, or rich text <si><r><t>..</t></r>...</si>; phonetic runs (rPh) are ignored.
    const runs = list(item['r']);
    return runs.length > 0 ? runs.map((run) => text(run['t'])).join('') : text(item['t']);
  });
}

/** Indexes of cellXfs entries whose number format is a date/time format. */
function readDateStyles(xml: XmlNode | undefined): Set<number> {
  const styleSheet = child(xml, 'styleSheet');
  const customFormats = new Map<number, string>();
  for (const format of children(child(styleSheet, 'numFmts'), 'numFmt')) {
    customFormats.set(Number(format['@_numFmtId']), String(format['@_formatCode'] ?? ''));
  }
  const dateStyles = new Set<number>();
  children(child(styleSheet, 'cellXfs'), 'xf').forEach((xf, index) => {
    const formatId = Number(xf['@_numFmtId'] ?? 0);
    if (isDateFormat(formatId, customFormats.get(formatId))) dateStyles.add(index);
  });
  return dateStyles;
}

interface SheetContext {
  sharedStrings: string[];
  dateStyles: Set<number>;
  date1904: boolean;
}

function readSheetRows(worksheet: XmlNode | undefined, context: SheetContext, options: ReadOptions): CellValue[][] {
  const maxRows = options.maxRowsPerSheet ?? 100_000;
  const maxColumns = options.maxColumns ?? 500;
  const rows: CellValue[][] = [];
  let nextRowIndex = 0;
  for (const rowNode of children(child(worksheet, 'sheetData'), 'row')) {
    // Row and cell references may be omitted; then position follows document order.
    const rowIndex = rowNode['@_r'] !== undefined ? Number(rowNode['@_r']) - 1 : nextRowIndex;
    nextRowIndex = rowIndex + 1;
    if (rowIndex >= maxRows) break;
    const row: CellValue[] = [];
    let nextColumn = 0;
    for (const cell of list(rowNode['c'])) {
      const ref = typeof cell['@_r'] === 'string' ? cell['@_r'] : undefined;
      const column = ref ? columnIndex(ref) : nextColumn;
      nextColumn = column + 1;
      if (column >= maxColumns) continue;
      const value = cellValue(cell, context);
      if (value === null) continue;
      while (row.length < column) row.push(null);
      row[column] = value;
    }
    while (rows.length < rowIndex) rows.push([]);
    rows[rowIndex] = row;
  }
  while (rows.length > 0 && rows[rows.length - 1]!.every((value) => value === null)) rows.pop();
  const width = Math.max(0, ...rows.map((row) => row.length));
  for (const row of rows) while (row.length < width) row.push(null);
  return rows;
}

function cellValue(cell: XmlNode, context: SheetContext): CellValue {
  const type = String(cell['@_t'] ?? 'n');
  const raw = cell['v'] === undefined ? undefined : text(cell['v']);
  switch (type) {
    case 's': {
      const value = raw === undefined ? undefined : context.sharedStrings[Number(raw)];
      return value ?? null;
    }
    case 'inlineStr': {
      const inline = child(cell, 'is');
      const runs = list(inline?.['r']);
      return runs.length > 0 ? runs.map((run) => text(run['t'])).join('') : text(inline?.['t']);
    }
    case 'str':
    case 'e':
    case 'd':
      return raw ?? null;
    case 'b':
      return raw === undefined ? null : raw.trim() === '1' || raw.trim().toLowerCase() === 'true';
    default: {
      if (raw === undefined || raw.trim() === '') return null;
      const number = Number(raw);
      if (!Number.isFinite(number)) return raw;
      const style = Number(cell['@_s'] ?? 0);
      return context.dateStyles.has(style) ? serialToIsoDate(number, context.date1904) : number;
    }
  }
}

/** "BC12" → 54 (zero-based). */
export function columnIndex(ref: string): number {
  let index = 0;
  for (const char of ref) {
    const code = char.charCodeAt(0);
    if (code < 65 || code > 90) break;
    index = index * 26 + (code - 64);
  }
  return index - 1;
}

function child(node: unknown, name: string): XmlNode | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const value = (node as XmlNode)[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'object' && first !== null ? (first as XmlNode) : undefined;
}

/** All child elements called `name` (the parser gives one element as an object, several as an array). */
function children(node: XmlNode | undefined, name: string): XmlNode[] {
  return list(node?.[name]);
}

function list(value: unknown): XmlNode[] {
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items.filter((item): item is XmlNode => typeof item === 'object' && item !== null);
}

/** Text of a <t>/<v> element, which the parser gives as a string or as {#text, @_space}. */
function text(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string' || typeof node === 'number') return decodeEscapes(String(node));
  if (Array.isArray(node)) return node.map(text).join('');
  if (typeof node === 'object') return text((node as XmlNode)['#text']);
  return '';
}

/** OOXML writes control characters as _xHHHH_ (e.g. _x000D_ for CR). */
function decodeEscapes(value: string): string {
  return value.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
