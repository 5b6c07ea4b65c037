/**
 * The fixed parts of a PresentationML package: one slide master with one blank layout and a complete theme.
 * Kept minimal but schema-valid so PowerPoint, Keynote and LibreOffice all open the file without repair.
 */

export const NS = {
  a: 'http://schemas.openxmlformats.org/drawingml/2006/main',
  r: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
  p: 'http://schemas.openxmlformats.org/presentationml/2006/main',
  rel: 'http://schemas.openxmlformats.org/package/2006/relationships',
  relType: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
};

const XML_HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const PML = 'application/vnd.openxmlformats-officedocument.presentationml';

/** 16:9 slide, in EMU (914400 per inch). */
export const SLIDE_WIDTH = 12_192_000;
export const SLIDE_HEIGHT = 6_858_000;

export function xml(body: string): string {
  return XML_HEADER + body;
}

/** Escapes text for XML and removes characters XML 1.0 cannot carry at all. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]!);
}

export function relationshipsXml(rels: { id: string; type: string; target: string }[]): string {
  const items = rels.map(
    (rel) => `<Relationship Id="${rel.id}" Type="${NS.relType}/${rel.type}" Target="${rel.target}"/>`,
  );
  return xml(`<Relationships xmlns="${NS.rel}">${items.join('')}</Relationships>`);
}

export function contentTypesXml(slideCount: number): string {
  const slides = Array.from(
    { length: slideCount },
    (_, index) => `<Override PartName="/ppt/slides/slide${index + 1}.xml" ContentType="${PML}.slide+xml"/>`,
  );
  return xml(
    `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
      `<Default Extension="xml" ContentType="application/xml"/>` +
      `<Override PartName="/ppt/presentation.xml" ContentType="${PML}.presentation.main+xml"/>` +
      `<Override PartName="/ppt/slideMasters/slideMaster1.xml" ContentType="${PML}.slideMaster+xml"/>` +
      `<Override PartName="/ppt/slideLayouts/slideLayout1.xml" ContentType="${PML}.slideLayout+xml"/>` +
      `<Override PartName="/ppt/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>` +
      `<Override PartName="/ppt/presProps.xml" ContentType="${PML}.presProps+xml"/>` +
      `<Override PartName="/ppt/viewProps.xml" ContentType="${PML}.viewProps+xml"/>` +
      `<Override PartName="/ppt/tableStyles.xml" ContentType="${PML}.tableStyles+xml"/>` +
      `<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
      `<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
      slides.join('') +
      `</Types>`,
  );
}

export function rootRelsXml(): string {
  return xml(
    `<Relationships xmlns="${NS.rel}">` +
      `<Relationship Id="rId1" Type="${NS.relType}/officeDocument" Target="ppt/presentation.xml"/>` +
      `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
      `<Relationship Id="rId3" Type="${NS.relType}/extended-properties" Target="docProps/app.xml"/>` +
      `</Relationships>`,
  );
}

export function corePropsXml(title: string, createdIso: string): string {
  return xml(
    `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
      `xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ` +
      `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
      `<dc:title>${escapeXml(title)}</dc:title><dc:creator>open-skills excel-to-pptx</dc:creator>` +
      `<dcterms:created xsi:type="dcterms:W3CDTF">${createdIso}</dcterms:created>` +
      `<dcterms:modified xsi:type="dcterms:W3CDTF">${createdIso}</dcterms:modified>` +
      `</cp:coreProperties>`,
  );
}

export function appPropsXml(slideCount: number): string {
  return xml(
    `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">` +
      `<Application>open-skills</Application><Slides>${slideCount}</Slides></Properties>`,
  );
}

export function presentationXml(slideCount: number): string {
  // rId1 = master, rId2 = theme, rId3-5 = props, slides from rId10 on (see presentationRelsXml).
  const slideIds = Array.from(
    { length: slideCount },
    (_, index) => `<p:sldId id="${256 + index}" r:id="rId${10 + index}"/>`,
  );
  return xml(
    `<p:presentation xmlns:a="${NS.a}" xmlns:r="${NS.r}" xmlns:p="${NS.p}" saveSubsetFonts="1">` +
      `<p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>` +
      `<p:sldIdLst>${slideIds.join('')}</p:sldIdLst>` +
      `<p:sldSz cx="${SLIDE_WIDTH}" cy="${SLIDE_HEIGHT}"/><p:notesSz cx="6858000" cy="9144000"/>` +
      `<p:defaultTextStyle><a:lvl1pPr><a:defRPr sz="1800"><a:latin typeface="+mn-lt"/></a:defRPr></a:lvl1pPr></p:defaultTextStyle>` +
      `</p:presentation>`,
  );
}

export function presentationRelsXml(slideCount: number): string {
  return relationshipsXml([
    { id: 'rId1', type: 'slideMaster', target: 'slideMasters/slideMaster1.xml' },
    { id: 'rId2', type: 'theme', target: 'theme/theme1.xml' },
    { id: 'rId3', type: 'presProps', target: 'presProps.xml' },
    { id: 'rId4', type: 'viewProps', target: 'viewProps.xml' },
    { id: 'rId5', type: 'tableStyles', target: 'tableStyles.xml' },
    ...Array.from({ length: slideCount }, (_, index) => ({
      id: `rId${10 + index}`,
      type: 'slide',
      target: `slides/slide${index + 1}.xml`,
    })),
  ]);
}

export function presPropsXml(): string {
  return xml(`<p:presentationPr xmlns:a="${NS.a}" xmlns:r="${NS.r}" xmlns:p="${NS.p}"/>`);
}

export function viewPropsXml(): string {
  return xml(
    `<p:viewPr xmlns:a="${NS.a}" xmlns:r="${NS.r}" xmlns:p="${NS.p}">` +
      `<p:normalViewPr><p:restoredLeft sz="15620"/><p:restoredTop sz="94660"/></p:normalViewPr>` +
      `<p:gridSpacing cx="76200" cy="76200"/></p:viewPr>`,
  );
}

export function tableStylesXml(): string {
  return xml(`<a:tblStyleLst xmlns:a="${NS.a}" def="{5C22544A-7EE6-4342-B048-85BDC9FD1C3A}"/>`);
}

const EMPTY_GROUP =
  `<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>` +
  `<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>`;

export function slideMasterXml(): string {
  return xml(
    `<p:sldMaster xmlns:a="${NS.a}" xmlns:r="${NS.r}" xmlns:p="${NS.p}">` +
      `<p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef></p:bg><p:spTree>${EMPTY_GROUP}</p:spTree></p:cSld>` +
      `<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" ` +
      `accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>` +
      `<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst>` +
      `<p:txStyles><p:titleStyle/><p:bodyStyle/><p:otherStyle/></p:txStyles>` +
      `</p:sldMaster>`,
  );
}

export function slideMasterRelsXml(): string {
  return relationshipsXml([
    { id: 'rId1', type: 'slideLayout', target: '../slideLayouts/slideLayout1.xml' },
    { id: 'rId2', type: 'theme', target: '../theme/theme1.xml' },
  ]);
}

export function slideLayoutXml(): string {
  return xml(
    `<p:sldLayout xmlns:a="${NS.a}" xmlns:r="${NS.r}" xmlns:p="${NS.p}" type="blank" preserve="1">` +
      `<p:cSld name="Blank"><p:spTree>${EMPTY_GROUP}</p:spTree></p:cSld>` +
      `<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>`,
  );
}

export function slideLayoutRelsXml(): string {
  return relationshipsXml([{ id: 'rId1', type: 'slideMaster', target: '../slideMasters/slideMaster1.xml' }]);
}

export function slideRelsXml(): string {
  return relationshipsXml([{ id: 'rId1', type: 'slideLayout', target: '../slideLayouts/slideLayout1.xml' }]);
}

export function emptyGroupXml(): string {
  return EMPTY_GROUP;
}

export function themeXml(): string {
  const colors: [string, string][] = [
    ['dk1', '<a:srgbClr val="1F2328"/>'],
    ['lt1', '<a:srgbClr val="FFFFFF"/>'],
    ['dk2', '<a:srgbClr val="1F3A5F"/>'],
    ['lt2', '<a:srgbClr val="EEF2F7"/>'],
    ['accent1', '<a:srgbClr val="2F6FB3"/>'],
    ['accent2', '<a:srgbClr val="F28E2B"/>'],
    ['accent3', '<a:srgbClr val="59A14F"/>'],
    ['accent4', '<a:srgbClr val="E15759"/>'],
    ['accent5', '<a:srgbClr val="76B7B2"/>'],
    ['accent6', '<a:srgbClr val="B07AA1"/>'],
    ['hlink', '<a:srgbClr val="0969DA"/>'],
    ['folHlink', '<a:srgbClr val="8250DF"/>'],
  ];
  const fonts = (face: string) => `<a:latin typeface="${face}"/><a:ea typeface=""/><a:cs typeface=""/>`;
  const solid = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>';
  const line = (width: number) => `<a:ln w="${width}"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill></a:ln>`;
  return xml(
    `<a:theme xmlns:a="${NS.a}" name="open-skills">` +
      `<a:themeElements>` +
      `<a:clrScheme name="open-skills">${colors.map(([name, color]) => `<a:${name}>${color}</a:${name}>`).join('')}</a:clrScheme>` +
      `<a:fontScheme name="open-skills"><a:majorFont>${fonts('Calibri')}</a:majorFont><a:minorFont>${fonts('Calibri')}</a:minorFont></a:fontScheme>` +
      `<a:fmtScheme name="open-skills">` +
      `<a:fillStyleLst>${solid}${solid}${solid}</a:fillStyleLst>` +
      `<a:lnStyleLst>${line(6350)}${line(12700)}${line(19050)}</a:lnStyleLst>` +
      `<a:effectStyleLst>${'<a:effectStyle><a:effectLst/></a:effectStyle>'.repeat(3)}</a:effectStyleLst>` +
      `<a:bgFillStyleLst>${solid}${solid}${solid}</a:bgFillStyleLst>` +
      `</a:fmtScheme>` +
      `</a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/>` +
      `</a:theme>`,
  );
}
