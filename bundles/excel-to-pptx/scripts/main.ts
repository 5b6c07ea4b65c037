import type { SkillContext } from './ctx.ts';
import { buildPptx } from './pptx.ts';
import { sheetSlide, titleSlide } from './slides.ts';
import { summarizeSheet } from './summary.ts';
import { readWorkbook } from './xlsx.ts';

interface Input {
  file?: string;
  title?: string;
  /** Rows shown in each sheet's table (they must also fit on the slide). */
  rows?: number;
  max_columns?: number;
  /** Only these sheets, by name, in this order. */
  sheets?: string[];
  artifact_name?: string;
}

const MAX_FILE_BYTES = 20_000_000;
const MAX_SHEETS = 50;
export const PPTX_MIME = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

export default async function run(input: Input, ctx: SkillContext) {
  const fileName = input.file ?? 'workbook.xlsx';
  let bytes: Uint8Array;
  try {
    bytes = await ctx.files.read(fileName);
  } catch {
    throw new Error(`No workbook: send an .xlsx file named "${fileName}" (or set input "file")`);
  }
  if (bytes.byteLength > MAX_FILE_BYTES)
    throw new Error(`Workbook is ${bytes.byteLength} bytes; the limit is ${MAX_FILE_BYTES}`);
  const previewRows = input.rows ?? 10;
  if (!Number.isInteger(previewRows) || previewRows < 1 || previewRows > 30)
    throw new Error('rows must be an integer from 1 to 30');
  const maxColumns = input.max_columns ?? 8;
  if (!Number.isInteger(maxColumns) || maxColumns < 1 || maxColumns > 12)
    throw new Error('max_columns must be an integer from 1 to 12');
  const artifactName = input.artifact_name ?? 'summary.pptx';
  if (!/^[\w.-]+\.pptx$/.test(artifactName)) throw new Error('artifact_name must be a plain file name ending in .pptx');

  const workbook = readWorkbook(bytes);
  let sheets = workbook.sheets;
  if (input.sheets) {
    sheets = input.sheets.map((name) => {
      const sheet = workbook.sheets.find((candidate) => candidate.name === name);
      if (!sheet)
        throw new Error(`Sheet "${name}" not found; sheets are: ${workbook.sheets.map((s) => s.name).join(', ')}`);
      return sheet;
    });
  }
  if (sheets.length === 0) throw new Error('Workbook has no sheets');
  if (sheets.length > MAX_SHEETS) throw new Error(`Workbook has ${sheets.length} sheets; the limit is ${MAX_SHEETS}`);

  const summaries = sheets.map((sheet) => summarizeSheet(sheet, previewRows));
  const title = input.title ?? fileName.replace(/^.*\//, '').replace(/\.xlsx$/i, '');
  const created = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const subtitle = `${summaries.length} sheet${summaries.length === 1 ? '' : 's'} · ${created.slice(0, 10)}`;
  const slides = [
    titleSlide(title, subtitle, summaries),
    ...summaries.map((summary, index) => sheetSlide(summary, index, maxColumns)),
  ];
  const pptx = buildPptx(title, slides, created);
  const artifact = await ctx.artifacts.write(artifactName, pptx, { mimeType: PPTX_MIME });
  ctx.log(`wrote ${artifactName}: ${slides.length} slides, ${pptx.byteLength} bytes`);

  return {
    artifact,
    title,
    slide_count: slides.length,
    sheets: summaries.map((summary) => ({
      name: summary.name,
      rows: summary.rowCount,
      columns: summary.columnCount,
      headers: summary.headers,
      numeric_columns: summary.numericColumns,
    })),
  };
}
