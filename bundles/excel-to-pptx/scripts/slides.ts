/** Slide designs: a title slide and one slide per sheet (preview table + key figures panel). */
import { SLIDE_HEIGHT, SLIDE_WIDTH } from './pptx-parts.ts';
import { COLORS, type Paragraph, rectangleXml, ShapeIds, slideXml, tableXml, textBoxXml } from './pptx-shapes.ts';
import { formatCell, formatNumber, type SheetSummary } from './summary.ts';

const MARGIN = 457_200; // 0.5 in
const MAX_CELL_CHARS = 32;

export function titleSlide(title: string, subtitle: string, summaries: SheetSummary[]): string {
  const ids = new ShapeIds();
  const sheetLines: Paragraph[] = summaries.slice(0, 12).map((summary) => ({
    bullet: true,
    runs: [
      { text: summary.name, size: 16, bold: true, color: COLORS.text },
      {
        text: `  ${formatNumber(summary.rowCount)} rows × ${summary.columnCount} columns`,
        size: 16,
        color: COLORS.muted,
      },
    ],
  }));
  if (summaries.length > 12)
    sheetLines.push({ runs: [{ text: `… and ${summaries.length - 12} more sheets`, size: 14, color: COLORS.muted }] });
  return slideXml([
    rectangleXml(ids, 'Banner', { x: 0, y: 0, width: SLIDE_WIDTH, height: 2_743_200 }, COLORS.accentDark),
    textBoxXml(
      ids,
      'Title',
      { x: MARGIN, y: 822_960, width: SLIDE_WIDTH - 2 * MARGIN, height: 1_097_280 },
      [{ runs: [{ text: title, size: 40, bold: true, color: COLORS.white }] }],
      { anchor: 'b' },
    ),
    textBoxXml(ids, 'Subtitle', { x: MARGIN, y: 1_965_960, width: SLIDE_WIDTH - 2 * MARGIN, height: 548_640 }, [
      { runs: [{ text: subtitle, size: 18, color: 'D6E4F5' }] },
    ]),
    textBoxXml(ids, 'Sheets', { x: MARGIN, y: 3_108_960, width: SLIDE_WIDTH - 2 * MARGIN, height: 3_291_840 }, [
      { runs: [{ text: 'Sheets in this workbook', size: 20, bold: true, color: COLORS.accentDark }] },
      ...sheetLines,
    ]),
  ]);
}

export function sheetSlide(summary: SheetSummary, index: number, maxColumns: number): string {
  const ids = new ShapeIds();
  const shapes: string[] = [
    rectangleXml(ids, 'Header band', { x: 0, y: 0, width: SLIDE_WIDTH, height: 1_005_840 }, COLORS.accentDark),
    textBoxXml(
      ids,
      'Title',
      { x: MARGIN, y: 137_160, width: SLIDE_WIDTH - 2 * MARGIN, height: 731_520 },
      [{ runs: [{ text: summary.name, size: 30, bold: true, color: COLORS.white }] }],
      { anchor: 'ctr' },
    ),
  ];
  const panelWidth = 3_200_400;
  const tableWidth = SLIDE_WIDTH - 3 * MARGIN - panelWidth;
  const top = 1_280_160;

  if (summary.rowCount === 0 && summary.columnCount === 0) {
    shapes.push(
      textBoxXml(ids, 'Empty', { x: MARGIN, y: top, width: tableWidth, height: 914_400 }, [
        { runs: [{ text: 'This sheet is empty.', size: 20, color: COLORS.muted }] },
      ]),
    );
  } else {
    const shownColumns = Math.min(summary.columnCount, maxColumns);
    const numericNames = new Set(summary.numericColumns.map((column) => column.name));
    const fontSize = shownColumns <= 4 ? 12 : shownColumns <= 7 ? 10 : 8;
    const rowHeight = fontSize >= 12 ? 338_328 : 292_608;
    const fits = Math.max(1, Math.floor((SLIDE_HEIGHT - top - 685_800) / rowHeight) - 1);
    const previewRows = summary.preview.slice(0, fits);
    const clip = (text: string) => (text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS - 1)}…` : text);
    shapes.push(
      tableXml(
        ids,
        { x: MARGIN, y: top, width: tableWidth, height: rowHeight * (previewRows.length + 1) },
        {
          header: summary.headers.slice(0, shownColumns).map(clip),
          rows: previewRows.map((row) => row.slice(0, shownColumns).map((value) => clip(formatCell(value)))),
          alignRight: summary.headers.slice(0, shownColumns).map((name) => numericNames.has(name)),
          fontSize,
          rowHeight,
        },
      ),
    );
    const notes: string[] = [`Showing ${previewRows.length} of ${formatNumber(summary.rowCount)} rows`];
    if (summary.columnCount > shownColumns) notes.push(`${shownColumns} of ${summary.columnCount} columns`);
    shapes.push(
      textBoxXml(ids, 'Note', { x: MARGIN, y: SLIDE_HEIGHT - 548_640, width: tableWidth, height: 365_760 }, [
        { runs: [{ text: notes.join(' · '), size: 11, color: COLORS.muted }] },
      ]),
    );
  }

  shapes.push(
    textBoxXml(
      ids,
      'Key figures',
      { x: SLIDE_WIDTH - MARGIN - panelWidth, y: top, width: panelWidth, height: SLIDE_HEIGHT - top - MARGIN },
      keyFigures(summary),
      {
        fill: COLORS.panel,
        inset: 137_160,
      },
    ),
    textBoxXml(
      ids,
      'Slide number',
      { x: SLIDE_WIDTH - MARGIN - 914_400, y: SLIDE_HEIGHT - 411_480, width: 914_400, height: 320_040 },
      [{ align: 'r', runs: [{ text: String(index + 2), size: 10, color: COLORS.muted }] }],
    ),
  );
  return slideXml(shapes);
}

/** Two decimals for ordinary values, four for fractions (rates such as 0.0275 would otherwise read 0.03). */
function formatFigure(value: number): string {
  return formatNumber(value, Math.abs(value) < 1 ? 4 : 2);
}

function keyFigures(summary: SheetSummary): Paragraph[] {
  const figure = (label: string, value: string): Paragraph => ({
    spaceBeforePt: 6,
    runs: [
      { text: `${label}  `, size: 13, color: COLORS.muted },
      { text: value, size: 16, bold: true, color: COLORS.text },
    ],
  });
  const paragraphs: Paragraph[] = [
    { runs: [{ text: 'Key figures', size: 18, bold: true, color: COLORS.accentDark }] },
    figure('Rows', formatNumber(summary.rowCount)),
    figure('Columns', String(summary.columnCount)),
  ];
  for (const column of summary.numericColumns.slice(0, 4)) {
    paragraphs.push({ spaceBeforePt: 10, runs: [{ text: column.name, size: 14, bold: true, color: COLORS.accent }] });
    paragraphs.push({
      runs: [
        { text: 'Sum ', size: 12, color: COLORS.muted },
        { text: formatFigure(column.sum), size: 12, bold: true },
        { text: '   Mean ', size: 12, color: COLORS.muted },
        { text: formatFigure(column.mean), size: 12, bold: true },
      ],
    });
    paragraphs.push({
      runs: [
        { text: `Min ${formatFigure(column.min)} · Max ${formatFigure(column.max)}`, size: 11, color: COLORS.muted },
      ],
    });
  }
  if (summary.numericColumns.length === 0 && summary.rowCount > 0) {
    paragraphs.push({ spaceBeforePt: 10, runs: [{ text: 'No numeric columns.', size: 12, color: COLORS.muted }] });
  } else if (summary.numericColumns.length > 4) {
    paragraphs.push({
      spaceBeforePt: 10,
      runs: [{ text: `+${summary.numericColumns.length - 4} more numeric columns`, size: 11, color: COLORS.muted }],
    });
  }
  return paragraphs;
}
