/**
 * Writes the .xlsx fixtures of bundles/excel-to-pptx/tests/fixtures/:
 *  - openpyxl.xlsx: non-ASCII text as openpyxl writes it (Python's ElementTree serialises every non-ASCII
 *    character as a numeric character reference, decimal or hex), with an _xHHHH_ escape and a non-ASCII sheet name;
 *  - sales.xlsx: hand-written minimal SpreadsheetML (shared strings, rich text, inline strings, numbers,
 *    booleans, a date-styled number, a formula with cached value, an escaped control character, 3 sheets);
 *  - libreoffice.xlsx: a CSV converted by LibreOffice, i.e. a file as a real office suite writes it
 *    (only when `soffice` is on PATH; the committed copy is used otherwise).
 * Run: node --import tsx test/bundles/make-xlsx-fixtures.ts
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';

const FIXTURES = join(import.meta.dirname, '../../bundles/excel-to-pptx/tests/fixtures');
const HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

type Cell =
  | { s: number }
  | { inline: string }
  | { n: number; style?: number }
  | { b: boolean }
  | { f: string; v: number };

export function makeSalesWorkbook(): Uint8Array {
  const shared = [
    'Region',
    'Product',
    'Units',
    'Revenue',
    'Date',
    'Paid',
    'North',
    'South',
    'Widget',
    'R&D Kit',
    'East',
  ];
  const sharedIndex = (text: string) => ({ s: shared.indexOf(text) });
  const salesRows: Cell[][] = [
    ['Region', 'Product', 'Units', 'Revenue', 'Date', 'Paid'].map(sharedIndex),
    [sharedIndex('North'), sharedIndex('Widget'), { n: 12 }, { n: 1200.5 }, { n: 45292, style: 1 }, { b: true }],
    [sharedIndex('South'), sharedIndex('R&D Kit'), { n: 3 }, { n: 899.99 }, { n: 45293, style: 1 }, { b: false }],
    [sharedIndex('East'), { inline: 'Gadget <XL>' }, { n: 7 }, { n: 350 }, { n: 45300, style: 1 }, { b: true }],
    [
      sharedIndex('North'),
      sharedIndex('Widget'),
      { n: 20 },
      { f: 'C5*100', v: 2000 },
      { n: 45310, style: 1 },
      { b: true },
    ],
  ];
  const targetRows: Cell[][] = [
    [{ inline: 'Region' }, { inline: 'Target' }],
    [{ inline: 'North' }, { n: 3000 }],
    [{ inline: 'South' }, { n: 1500 }],
  ];
  const cellXml = (cell: Cell, ref: string) => {
    if ('s' in cell) return `<c r="${ref}" t="s"><v>${cell.s}</v></c>`;
    if ('inline' in cell) return `<c r="${ref}" t="inlineStr"><is><t>${escapeXml(cell.inline)}</t></is></c>`;
    if ('b' in cell) return `<c r="${ref}" t="b"><v>${cell.b ? 1 : 0}</v></c>`;
    if ('f' in cell) return `<c r="${ref}"><f>${cell.f}</f><v>${cell.v}</v></c>`;
    return `<c r="${ref}"${cell.style ? ` s="${cell.style}"` : ''}><v>${cell.n}</v></c>`;
  };
  const sheetXml = (rows: Cell[][]) =>
    `${HEADER}<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetData>${rows
      .map(
        (row, r) =>
          `<row r="${r + 1}">${row.map((cell, c) => cellXml(cell, `${String.fromCharCode(65 + c)}${r + 1}`)).join('')}</row>`,
      )
      .join('')}</sheetData></worksheet>`;
  // Shared strings: one as rich text (two runs), one with xml:space, the rest plain.
  const sharedItems = shared.map((text) => {
    if (text === 'Revenue') return '<si><r><rPr><b/></rPr><t>Reve</t></r><r><t>nue</t></r></si>';
    if (text === 'East') return '<si><t xml:space="preserve">East</t></si>';
    return `<si><t>${escapeXml(text)}</t></si>`;
  });
  const notesSheet = `${HEADER}<worksheet xmlns="${MAIN}"><sheetData><row r="2"><c r="B2" t="inlineStr"><is><t>Line one_x000D_</t></is></c></row></sheetData></worksheet>`;

  const files: Record<string, string> = {
    '[Content_Types].xml': `${HEADER}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet3.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
    '_rels/.rels': `${HEADER}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    // Sheet order in the workbook differs from part numbering on purpose: names come from workbook.xml + rels.
    'xl/workbook.xml': `${HEADER}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet name="Sales" sheetId="1" r:id="rId2"/><sheet name="Targets" sheetId="2" r:id="rId1"/><sheet name="Notes" sheetId="3" r:id="rId3"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `${HEADER}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId2" Type="${REL}/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId3" Type="${REL}/worksheet" Target="worksheets/sheet3.xml"/><Relationship Id="rId4" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId5" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
    'xl/sharedStrings.xml': `${HEADER}<sst xmlns="${MAIN}" count="${shared.length}" uniqueCount="${shared.length}">${sharedItems.join('')}</sst>`,
    'xl/styles.xml': `${HEADER}<styleSheet xmlns="${MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`,
    'xl/worksheets/sheet1.xml': sheetXml(salesRows),
    'xl/worksheets/sheet2.xml': sheetXml(targetRows),
    'xl/worksheets/sheet3.xml': notesSheet,
  };
  const encoder = new TextEncoder();
  return zipSync(Object.fromEntries(Object.entries(files).map(([path, text]) => [path, encoder.encode(text)])), {
    mtime: new Date(Date.UTC(2020, 0, 1)),
  });
}

/** A one-sheet workbook whose non-ASCII text is written only as numeric character references. */
export function makeOpenpyxlWorkbook(): Uint8Array {
  const ascii = (text: string) =>
    [...escapeXml(text)]
      .map((char) => {
        const code = char.codePointAt(0)!;
        // Decimal like ElementTree, and one hex reference to cover both forms.
        if (code === 0x20ac && text.startsWith('Price')) return '&#x20AC;';
        return code > 127 ? `&#${code};` : char;
      })
      .join('');
  const header = ['City', 'Revenue (€)', 'Price (€)', 'Note'];
  const rows = [
    ['Zürich', 1200, 9.5, 'Grüße_x000D_'],
    ['東京', 800, 7.25, 'ok 😀'],
  ];
  const cell = (value: string | number, ref: string) =>
    typeof value === 'number'
      ? `<c r="${ref}" t="n"><v>${value}</v></c>`
      : `<c r="${ref}" t="inlineStr"><is><t>${ascii(value)}</t></is></c>`;
  const row = (values: (string | number)[], r: number) =>
    `<row r="${r}">${values.map((v, c) => cell(v, `${String.fromCharCode(65 + c)}${r}`)).join('')}</row>`;
  const decl = "<?xml version='1.0' encoding='UTF-8'?>\n";
  const files: Record<string, string> = {
    '[Content_Types].xml': `${decl}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    '_rels/.rels': `${decl}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    'xl/workbook.xml': `${decl}<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets><sheet xmlns:r="${REL}" name="${ascii('Umsätze')}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': `${decl}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="/xl/worksheets/sheet1.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': `${decl}<worksheet xmlns="${MAIN}"><sheetData>${[header, ...rows].map((r, i) => row(r, i + 1)).join('')}</sheetData></worksheet>`,
  };
  const encoder = new TextEncoder();
  return zipSync(Object.fromEntries(Object.entries(files).map(([path, text]) => [path, encoder.encode(text)])), {
    mtime: new Date(Date.UTC(2020, 0, 1)),
  });
}

function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[char]!);
}

export const LIBREOFFICE_CSV = `Month,Visitors,Signups,Conversion,Channel
2024-01,15230,412,0.027,"Search, paid"
2024-02,16110,455,0.028,Organic
2024-03,18002,530,0.029,Organic
2024-04,17450,501,0.029,"Search, paid"
2024-05,19980,611,0.031,Referral
2024-06,21040,660,0.031,Organic
`;

/** Converts LIBREOFFICE_CSV with soffice; returns false when LibreOffice is not installed. */
export function convertCsvWithLibreOffice(target: string): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'xlsx-fixture-'));
  try {
    writeFileSync(join(dir, 'traffic.csv'), LIBREOFFICE_CSV);
    execFileSync(
      'soffice',
      [
        '--headless',
        `-env:UserInstallation=file://${dir}/profile`,
        '--convert-to',
        'xlsx:Calc MS Excel 2007 XML',
        '--outdir',
        dir,
        join(dir, 'traffic.csv'),
      ],
      { stdio: 'ignore', timeout: 120_000 },
    );
    copyFileSync(join(dir, 'traffic.xlsx'), target);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  writeFileSync(join(FIXTURES, 'sales.xlsx'), makeSalesWorkbook());
  writeFileSync(join(FIXTURES, 'openpyxl.xlsx'), makeOpenpyxlWorkbook());
  console.log('wrote sales.xlsx, openpyxl.xlsx');
  console.log(
    convertCsvWithLibreOffice(join(FIXTURES, 'libreoffice.xlsx')) ? 'wrote libreoffice.xlsx' : 'soffice not available',
  );
}
