import { type Embedder, normalizeL2 } from './embedder.ts';
import { porterStem } from './porter-stemmer.ts';
import { isStopword, tokenize, wordTrigrams } from './text.ts';

export interface LocalEmbedderOptions {
  /** Vector size; half holds stemmed words, half character trigrams. Default 1536: fewer hash collisions than
   * 1024 (+5 points top-1 on the dev set), and the same size as the OpenAI default, so one HNSW index serves both. */
  dimensions?: number;
  /**
   * Share of the cosine given to stemmed words; the rest goes to character trigrams, which carry typo tolerance.
   * Default 0.5: the two views weigh the same.
   */
  wordShare?: number;
}

/**
 * A no-network, no-model embedder: feature hashing of stemmed content words and of their character trigrams into
 * a fixed-size vector. Words and trigrams live in separate halves, each L2-normalised, so the cosine of two
 * vectors is `wordShare · cos(words) + (1 − wordShare) · cos(trigrams)` up to hash collisions; signed hashing
 * keeps collision noise centred on zero. Term frequencies are sublinear (1 + ln tf) so a word repeated in a long
 * description does not drown the rest.
 *
 * There is no IDF: it would need corpus statistics that change as skills are added, and every stored vector would
 * then go stale. Corpus-aware weighting is left to the full-text channel of the search, which computes it in SQL.
 *
 * @example
 * const embedder = createLocalEmbedder();
 * const [query] = await embedder.embed(['merge two pdfs']);
 */
export function createLocalEmbedder(options: LocalEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? 1536;
  const wordShare = options.wordShare ?? 0.5;
  if (!Number.isInteger(dimensions) || dimensions < 16 || dimensions % 2 !== 0) {
    throw new RangeError(`local embedder dimensions must be an even integer >= 16, got ${dimensions}`);
  }
  if (!(wordShare >= 0 && wordShare <= 1)) throw new RangeError(`wordShare must be within [0, 1], got ${wordShare}`);
  return {
    key: `local:hash-v1:${dimensions}`,
    dimensions,
    embed: async (texts) => texts.map((text) => embedLocally(text, dimensions, wordShare)),
  };
}

/** The local embedding of one text (synchronous; `createLocalEmbedder` wraps it). */
export function embedLocally(text: string, dimensions: number, wordShare: number): number[] {
  const half = dimensions / 2;
  const wordCounts = new Map<string, number>();
  const trigramCounts = new Map<string, number>();
  for (const word of tokenize(text)) {
    if (isStopword(word)) continue;
    increment(wordCounts, porterStem(word));
    for (const gram of wordTrigrams(word)) increment(trigramCounts, gram);
  }
  const words = hashFeatures(wordCounts, half);
  const trigrams = hashFeatures(trigramCounts, half);
  const wordScale = Math.sqrt(wordShare);
  const trigramScale = Math.sqrt(1 - wordShare);
  const vector = new Array<number>(dimensions);
  for (let i = 0; i < half; i++) {
    vector[i] = (words[i] as number) * wordScale;
    vector[half + i] = (trigrams[i] as number) * trigramScale;
  }
  // Re-normalise: a text with words but no trigrams (or the reverse) still gets a unit vector.
  return normalizeL2(vector);
}

function increment(counts: Map<string, number>, feature: string): void {
  counts.set(feature, (counts.get(feature) ?? 0) + 1);
}

/** Signed feature hashing with sublinear term frequency, L2-normalised. */
function hashFeatures(counts: ReadonlyMap<string, number>, size: number): number[] {
  const out = new Array<number>(size).fill(0);
  for (const [feature, count] of counts) {
    const hash = fnv1a(feature);
    const index = hash % size;
    // A bit the index does not use decides the sign, so colliding features cancel on average instead of adding.
    const sign = (hash >>> 31) & 1 ? -1 : 1;
    out[index] = (out[index] as number) + sign * (1 + Math.log(count));
  }
  return normalizeL2(out);
}

/** 32-bit FNV-1a over UTF-16 code units, then avalanched: fast, stable across platforms and releases (stored vectors rely on it). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // FNV's low bits mix poorly for short strings; the murmur3 finaliser spreads every input bit over the output.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
