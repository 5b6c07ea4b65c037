/** DrawingML building blocks for slides: text boxes, filled rectangles and tables. Sizes are in EMU. */
import { emptyGroupXml, escapeXml, NS, xml } from './pptx-parts.ts';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TextRun {
  text: string;
  size?: number; // points
  bold?: boolean;
  color?: string; // RRGGBB
}

export interface Paragraph {
  runs: TextRun[];
  align?: 'l' | 'ctr' | 'r';
  bullet?: boolean;
  spaceBeforePt?: number;
}

export const COLORS = {
  text: '1F2328',
  muted: '59636E',
  accent: '2F6FB3',
  accentDark: '1F3A5F',
  panel: 'EEF2F7',
  border: 'D0D7DE',
  band: 'F6F8FA',
  white: 'FFFFFF',
};

/** Shape ids must be unique within a slide; 1 is the slide's root group. */
export class ShapeIds {
  private next = 2;
  take(): number {
    return this.next++;
  }
}

const xfrm = (box: Box) =>
  `<a:xfrm><a:off x="${Math.round(box.x)}" y="${Math.round(box.y)}"/><a:ext cx="${Math.round(box.width)}" cy="${Math.round(box.height)}"/></a:xfrm>`;
const solidFill = (color: string) => `<a:solidFill><a:srgbClr val="${color}"/></a:solidFill>`;

export function runXml(run: TextRun): string {
  const size = run.size ? ` sz="${Math.round(run.size * 100)}"` : '';
  const bold = run.bold ? ' b="1"' : '';
  const fill = solidFill(run.color ?? COLORS.text);
  return `<a:r><a:rPr lang="en-US"${size}${bold} dirty="0">${fill}</a:rPr><a:t>${escapeXml(run.text)}</a:t></a:r>`;
}

export function paragraphXml(paragraph: Paragraph): string {
  const attributes =
    (paragraph.align ? ` algn="${paragraph.align}"` : '') + (paragraph.bullet ? ' marL="285750" indent="-285750"' : '');
  const spacing =
    paragraph.spaceBeforePt !== undefined
      ? `<a:spcBef><a:spcPts val="${Math.round(paragraph.spaceBeforePt * 100)}"/></a:spcBef>`
      : '';
  const bullet = paragraph.bullet ? '<a:buFont typeface="Arial"/><a:buChar char="•"/>' : '<a:buNone/>';
  const endSize = paragraph.runs[0]?.size ? ` sz="${Math.round(paragraph.runs[0].size * 100)}"` : '';
  return `<a:p><a:pPr${attributes}>${spacing}${bullet}</a:pPr>${paragraph.runs.map(runXml).join('')}<a:endParaRPr lang="en-US"${endSize} dirty="0"/></a:p>`;
}

export function textBoxXml(
  ids: ShapeIds,
  name: string,
  box: Box,
  paragraphs: Paragraph[],
  options: { fill?: string; anchor?: 't' | 'ctr' | 'b'; inset?: number } = {},
): string {
  const id = ids.take();
  const inset = options.inset ?? 91440;
  const fill = options.fill ? solidFill(options.fill) : '<a:noFill/>';
  return (
    `<p:sp><p:nvSpPr><p:cNvPr id="${id}" name="${escapeXml(name)} ${id}"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>` +
    `<p:spPr>${xfrm(box)}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>${fill}</p:spPr>` +
    `<p:txBody><a:bodyPr wrap="square" lIns="${inset}" tIns="${inset}" rIns="${inset}" bIns="${inset}" rtlCol="0" anchor="${options.anchor ?? 't'}"><a:normAutofit/></a:bodyPr>` +
    `<a:lstStyle/>${paragraphs.map(paragraphXml).join('')}</p:txBody></p:sp>`
  );
}

export function rectangleXml(ids: ShapeIds, name: string, box: Box, color: string): string {
  const id = ids.take();
  return (
    `<p:sp><p:nvSpPr><p:cNvPr id="${id}" name="${escapeXml(name)} ${id}"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr>` +
    `<p:spPr>${xfrm(box)}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>${solidFill(color)}<a:ln><a:noFill/></a:ln></p:spPr></p:sp>`
  );
}

export interface TableSpec {
  header: string[];
  rows: string[][];
  /** Per column: right-align (numbers) or not. */
  alignRight: boolean[];
  fontSize: number;
  rowHeight: number;
}

/** A native PowerPoint table (graphicFrame + a:tbl) with a filled header row and banded body rows. */
export function tableXml(ids: ShapeIds, box: Box, table: TableSpec): string {
  const id = ids.take();
  const widths = columnWidths([table.header, ...table.rows], box.width);
  const border = (side: string) => `<a:${side} w="6350">${solidFill(COLORS.border)}</a:${side}>`;
  const cell = (text: string, column: number, fill: string, header: boolean) => {
    const align = table.alignRight[column] && !header ? 'r' : 'l';
    const run: TextRun = { text, size: table.fontSize, bold: header, color: header ? COLORS.white : COLORS.text };
    const paragraph = `<a:p><a:pPr algn="${align}"/>${text === '' ? '' : runXml(run)}<a:endParaRPr lang="en-US" sz="${table.fontSize * 100}" dirty="0"/></a:p>`;
    return (
      `<a:tc><a:txBody><a:bodyPr/><a:lstStyle/>${paragraph}</a:txBody>` +
      `<a:tcPr marL="68580" marR="68580" marT="34290" marB="34290" anchor="ctr">` +
      `${border('lnL')}${border('lnR')}${border('lnT')}${border('lnB')}${solidFill(fill)}</a:tcPr></a:tc>`
    );
  };
  const row = (cells: string[], fill: string, header: boolean) =>
    `<a:tr h="${table.rowHeight}">${cells.map((text, column) => cell(text, column, fill, header)).join('')}</a:tr>`;
  const rows = [
    row(table.header, COLORS.accent, true),
    ...table.rows.map((cells, index) => row(cells, index % 2 === 0 ? COLORS.white : COLORS.band, false)),
  ];
  return (
    `<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="${id}" name="Table ${id}"/>` +
    `<p:cNvGraphicFramePr><a:graphicFrameLocks noGrp="1"/></p:cNvGraphicFramePr><p:nvPr/></p:nvGraphicFramePr>` +
    `<p:xfrm><a:off x="${Math.round(box.x)}" y="${Math.round(box.y)}"/><a:ext cx="${widths.reduce((a, b) => a + b, 0)}" cy="${table.rowHeight * rows.length}"/></p:xfrm>` +
    `<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/table">` +
    `<a:tbl><a:tblPr firstRow="1" bandRow="1"/><a:tblGrid>${widths.map((width) => `<a:gridCol w="${width}"/>`).join('')}</a:tblGrid>` +
    `${rows.join('')}</a:tbl></a:graphicData></a:graphic></p:graphicFrame>`
  );
}

/** Widths proportional to the longest text in each column (bounded), summing to `total`. */
function columnWidths(rows: string[][], total: number): number[] {
  const columnCount = rows[0]?.length ?? 0;
  const weights = Array.from({ length: columnCount }, (_, column) =>
    Math.min(30, Math.max(4, ...rows.map((row) => (row[column] ?? '').length))),
  );
  const sum = weights.reduce((a, b) => a + b, 0) || 1;
  return weights.map((weight) => Math.floor((weight / sum) * total));
}

export function slideXml(shapes: string[]): string {
  return xml(
    `<p:sld xmlns:a="${NS.a}" xmlns:r="${NS.r}" xmlns:p="${NS.p}">` +
      `<p:cSld><p:spTree>${emptyGroupXml()}${shapes.join('')}</p:spTree></p:cSld>` +
      `<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>`,
  );
}
