import { describe, expect, it } from 'vitest';
import { createLocalEmbedder } from '../../src/router/local-embedder.ts';
import { porterStem } from '../../src/router/porter-stemmer.ts';
import { skillSearchText, stemmedTerms, tokenize } from '../../src/router/text.ts';

function cosine(a: number[], b: number[]): number {
  return a.reduce((sum, x, i) => sum + x * (b[i] as number), 0);
}

describe('porterStem', () => {
  it('conflates inflections as the published algorithm does', () => {
    expect(['connect', 'connected', 'connecting', 'connection', 'connections'].map(porterStem)).toEqual(
      Array(5).fill('connect'),
    );
    expect(porterStem('relational')).toBe('relat');
    expect(porterStem('presentations')).toBe('present');
    expect(porterStem('ponies')).toBe('poni');
    expect(porterStem('hopping')).toBe('hop');
    expect(porterStem('pdf')).toBe('pdf');
  });
});

describe('text', () => {
  it('splits file names and names into words, dropping stopwords when stemming', () => {
    expect(tokenize("Merge report.PDF and don't-stop")).toEqual(['merge', 'report', 'pdf', 'and', 'dont', 'stop']);
    expect(stemmedTerms('merging the scanned PDFs')).toEqual(['merg', 'scan', 'pdf']);
  });

  it('builds the embedded text from name, tags and description', () => {
    expect(skillSearchText({ name: 'pdf-ocr', description: 'Extract text from scans.', tags: ['pdf', 'ocr'] })).toBe(
      'pdf ocr. pdf, ocr. Extract text from scans.',
    );
  });
});

describe('createLocalEmbedder', () => {
  const embedder = createLocalEmbedder();

  it('names its model and size in its key', () => {
    expect(embedder.key).toBe('local:hash-v1:1536');
    expect(createLocalEmbedder({ dimensions: 512 }).key).toBe('local:hash-v1:512');
  });

  it('is deterministic and returns unit vectors of the configured size', async () => {
    const [a, b] = await embedder.embed(['Split a PDF into pages', 'Split a PDF into pages']);
    expect(a).toEqual(b);
    expect(a).toHaveLength(embedder.dimensions);
    expect(cosine(a!, a!)).toBeCloseTo(1, 10);
  });

  it('returns a zero vector for text without content words instead of NaN', async () => {
    const [empty] = await embedder.embed(['the of and']);
    expect(empty!.every((x) => x === 0)).toBe(true);
  });

  it('keeps a misspelt request close to the right skill', async () => {
    const [skill, other, typo] = await embedder.embed([
      skillSearchText({ name: 'pdf-merge-split', description: 'Merge several PDF files or split one.', tags: [] }),
      skillSearchText({ name: 'cold-email', description: 'Write outbound sales emails.', tags: [] }),
      'plese merge thees pdf fiels togther',
    ]);
    expect(cosine(typo!, skill!)).toBeGreaterThan(0.2);
    expect(cosine(typo!, skill!)).toBeGreaterThan(3 * Math.abs(cosine(typo!, other!)));
  });

  it('weighs query features by IDF only when given document frequencies', async () => {
    const [pdfMerge, pdfOcr] = await embedder.embed([
      skillSearchText({ name: 'pdf-merge', description: 'Merge PDF files.', tags: ['pdf'] }),
      skillSearchText({ name: 'pdf-ocr', description: 'Extract text from scanned PDF files with OCR.', tags: ['pdf'] }),
    ]);
    const query = 'ocr this pdf pdf';
    const [plain] = await embedder.embed([query]);
    expect(embedder.embedQuery!(query, { n: 0, words: new Map(), trigrams: new Map() })).toEqual(plain);
    const { words, trigrams } = embedder.queryFeatures!(query);
    expect(words).toEqual(['ocr', 'pdf']);
    expect(embedder.queryFeatures!('merging PDFs').words).toEqual(['merging', 'merg', 'pdfs', 'pdf']);
    // "pdf" and its trigrams are in every document, "ocr" in one of 1000: the rare word should dominate.
    const df = {
      n: 1000,
      words: new Map([
        ['ocr', 1],
        ['pdf', 1000],
      ]),
      trigrams: new Map(trigrams.map((gram) => [gram, gram.includes('oc') || gram === 'cr ' ? 1 : 1000])),
    };
    const weighted = embedder.embedQuery!(query, df);
    expect(cosine(weighted, weighted)).toBeCloseTo(1, 10);
    expect(cosine(weighted, pdfOcr!) - cosine(weighted, pdfMerge!)).toBeGreaterThan(
      cosine(plain!, pdfOcr!) - cosine(plain!, pdfMerge!),
    );
  });

  it('rejects sizes it cannot split in two halves', () => {
    expect(() => createLocalEmbedder({ dimensions: 101 })).toThrow(RangeError);
  });
});
