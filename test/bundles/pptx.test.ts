/**
 * Structural checks of the .pptx that excel-to-pptx writes, and (when LibreOffice is installed) proof that a
 * real office suite opens it: it is converted to PDF and the page count must equal the slide count.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { BUNDLES_DIR, listCases, runCase } from './harness.ts';

const hasLibreOffice = spawnSync('sh', ['-c', 'command -v soffice'], { encoding: 'utf8' }).status === 0;

const REQUIRED_PARTS = [
  '[Content_Types].xml',
  '_rels/.rels',
  'docProps/core.xml',
  'docProps/app.xml',
  'ppt/presentation.xml',
  'ppt/_rels/presentation.xml.rels',
  'ppt/slideMasters/slideMaster1.xml',
  'ppt/slideMasters/_rels/slideMaster1.xml.rels',
  'ppt/slideLayouts/slideLayout1.xml',
  'ppt/slideLayouts/_rels/slideLayout1.xml.rels',
  'ppt/theme/theme1.xml',
  'ppt/presProps.xml',
  'ppt/viewProps.xml',
  'ppt/tableStyles.xml',
];

async function buildDeck(caseFile: string) {
  const testCase = listCases(join(BUNDLES_DIR, 'excel-to-pptx')).find((c) => c.file === caseFile)!.testCase;
  const result = await runCase('excel-to-pptx', testCase);
  expect(result.status, JSON.stringify(result.error)).toBe('succeeded');
  const artifact = result.artifacts.find((a) => a.name.endsWith('.pptx'))!;
  return { result, bytes: artifact.data, parts: unzipSync(artifact.data) };
}

const text = (data: Uint8Array | undefined) => new TextDecoder().decode(data);

describe('excel-to-pptx: text as openpyxl writes it', () => {
  it('decodes numeric character references and _xHHHH_ escapes into the slides', async () => {
    const { parts } = await buildDeck('04-openpyxl-workbook.json');
    const slides = Object.entries(parts)
      .filter(([path]) => /^ppt\/slides\/slide\d+\.xml$/.test(path))
      .map(([, data]) => text(data))
      .join('\n');
    for (const shown of ['Umsätze', 'Revenue (€)', 'Price (€)', 'Zürich', '東京', 'ok 😀', 'Grüße']) {
      expect(slides).toContain(shown);
    }
    expect(slides).not.toMatch(/&#x?[0-9a-f]+;|_x[0-9a-f]{4}_/i);
  });
});

describe('excel-to-pptx: package structure', () => {
  it('has every required part, well-formed XML, and one slide per sheet plus a title slide', async () => {
    const { result, parts } = await buildDeck('01-sales-workbook.json');
    for (const part of REQUIRED_PARTS) expect(parts[part], part).toBeDefined();
    for (const [path, data] of Object.entries(parts)) {
      expect(XMLValidator.validate(text(data)), path).toBe(true);
    }
    const slides = Object.keys(parts).filter((path) => /^ppt\/slides\/slide\d+\.xml$/.test(path));
    expect(slides).toHaveLength(4);
    expect((result.output as { slide_count: number }).slide_count).toBe(4);

    const contentTypes = text(parts['[Content_Types].xml']);
    const presentation = text(parts['ppt/presentation.xml']);
    const presentationRels = text(parts['ppt/_rels/presentation.xml.rels']);
    for (let n = 1; n <= 4; n++) {
      expect(contentTypes).toContain(`/ppt/slides/slide${n}.xml`);
      expect(presentationRels).toContain(`Target="slides/slide${n}.xml"`);
      expect(parts[`ppt/slides/_rels/slide${n}.xml.rels`]).toBeDefined();
    }
    expect(presentation.match(/<p:sldId /g)).toHaveLength(4);
  });

  it('puts a native table and the key figures on each sheet slide, with decoded cell values', async () => {
    const { parts } = await buildDeck('01-sales-workbook.json');
    const salesSlide = text(parts['ppt/slides/slide2.xml']);
    expect(salesSlide).toContain('<a:tbl>');
    expect(salesSlide.match(/<a:tr /g)).toHaveLength(5); // header + 4 data rows
    for (const value of [
      'Revenue',
      'R&amp;D Kit',
      'Gadget &lt;XL&gt;',
      '2024-01-01',
      'TRUE',
      'Key figures',
      '4,450.49',
    ]) {
      expect(salesSlide).toContain(value);
    }
    expect(text(parts['ppt/slides/slide1.xml'])).toContain('Q1 sales');
    expect(text(parts['ppt/slides/slide4.xml'])).toContain('Line one');
  });
});

describe.skipIf(!hasLibreOffice)('excel-to-pptx: opens in LibreOffice', () => {
  for (const caseFile of ['01-sales-workbook.json', '02-libreoffice-workbook.json']) {
    it(`${caseFile}: converts to a PDF with one page per slide`, { timeout: 180_000 }, async () => {
      const { result, bytes } = await buildDeck(caseFile);
      const dir = mkdtempSync(join(tmpdir(), 'pptx-check-'));
      try {
        writeFileSync(join(dir, 'deck.pptx'), bytes);
        // A private profile keeps parallel or leftover soffice instances from interfering.
        execFileSync(
          'soffice',
          [
            '--headless',
            `-env:UserInstallation=file://${dir}/profile`,
            '--convert-to',
            'pdf',
            '--outdir',
            dir,
            join(dir, 'deck.pptx'),
          ],
          { stdio: 'ignore', timeout: 170_000 },
        );
        const pdfPath = join(dir, 'deck.pdf');
        expect(existsSync(pdfPath)).toBe(true);
        const pdf = readFileSync(pdfPath).toString('latin1');
        expect(pdf.startsWith('%PDF')).toBe(true);
        const pages = pdf.match(/\/Type\s*\/Page(?!s)/g)?.length ?? 0;
        expect(pages).toBe((result.output as { slide_count: number }).slide_count);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
