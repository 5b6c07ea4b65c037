/** Assembles slide XML into a .pptx package (a ZIP of OOXML parts). */
import { zipSync } from 'fflate';
import {
  appPropsXml,
  contentTypesXml,
  corePropsXml,
  presentationRelsXml,
  presentationXml,
  presPropsXml,
  rootRelsXml,
  slideLayoutRelsXml,
  slideLayoutXml,
  slideMasterRelsXml,
  slideMasterXml,
  slideRelsXml,
  tableStylesXml,
  themeXml,
  viewPropsXml,
} from './pptx-parts.ts';

export function buildPptx(title: string, slides: string[], createdIso: string): Uint8Array {
  const encoder = new TextEncoder();
  const parts: Record<string, string> = {
    '[Content_Types].xml': contentTypesXml(slides.length),
    '_rels/.rels': rootRelsXml(),
    'docProps/core.xml': corePropsXml(title, createdIso),
    'docProps/app.xml': appPropsXml(slides.length),
    'ppt/presentation.xml': presentationXml(slides.length),
    'ppt/_rels/presentation.xml.rels': presentationRelsXml(slides.length),
    'ppt/presProps.xml': presPropsXml(),
    'ppt/viewProps.xml': viewPropsXml(),
    'ppt/tableStyles.xml': tableStylesXml(),
    'ppt/theme/theme1.xml': themeXml(),
    'ppt/slideMasters/slideMaster1.xml': slideMasterXml(),
    'ppt/slideMasters/_rels/slideMaster1.xml.rels': slideMasterRelsXml(),
    'ppt/slideLayouts/slideLayout1.xml': slideLayoutXml(),
    'ppt/slideLayouts/_rels/slideLayout1.xml.rels': slideLayoutRelsXml(),
  };
  slides.forEach((slide, index) => {
    parts[`ppt/slides/slide${index + 1}.xml`] = slide;
    parts[`ppt/slides/_rels/slide${index + 1}.xml.rels`] = slideRelsXml();
  });
  // [Content_Types].xml first: some readers sniff the package by its first entry.
  const files: Record<string, Uint8Array> = {};
  for (const [path, content] of Object.entries(parts)) files[path] = encoder.encode(content);
  // A fixed timestamp keeps the archive reproducible for identical input.
  return zipSync(files, { level: 6, mtime: new Date(Date.UTC(2020, 0, 1)) });
}
