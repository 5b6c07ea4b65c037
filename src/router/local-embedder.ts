import { type Embedder, type FeatureDf, normalizeL2 } from './embedder.ts';
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
 * Stored vectors have no IDF: it would need corpus statistics that change as skills are added, and every stored
 * vector would then go stale. IDF is applied to the request instead (`embedQuery`): each query feature is scaled by
 * `ln(1 + N/df)` over the searched organisation's versions before the halves are normalised, so the cosine with
 * an unweighted document vector is a TF-IDF-like score (the document side keeps plain sublinear TF). That smooth
 * IDF rather than BM25's `ln(1 + (N − df + 0.5)/(df + 0.5))`: BM25's goes to zero for features most documents
 * share, which for character trigrams discards much of the typo-tolerant signal; the smooth one bottoms out at
 * ln 2. Dev set, vector channel top-1/top-3 with exact document frequencies (bench/routing-lab/query-idf.ts):
 * none .747/.893, BM25's IDF .760/.893, smooth .793/.920; hybrid .827/.933 → .833/.933 with either. Through the
 * API (bench/routing.ts, frequencies from PostgreSQL's stemmer and pg_trgm): vector .793/.907, hybrid .833/.940.
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
    queryFeatures(text) {
      const { surface, trigrams } = localFeatures(text);
      // Both the word as written and its stem: word frequencies are counted over PostgreSQL's English stemmer,
      // which does not always agree with ours (Snowball keeps "pdfs", Porter makes it "pdf").
      const words = new Set<string>();
      for (const [stem, word] of surface) words.add(word).add(stem);
      return { words: [...words], trigrams: [...trigrams.keys()] };
    },
    embedQuery: (text, df) => embedLocally(text, dimensions, wordShare, idfWeights(text, df)),
  };
}

/**
 * Per-feature weights for a query: `word` gets a Porter stem, `trigram` a character trigram (see `localFeatures`).
 * Used to give query features an IDF computed from the searched corpus (see `embedQuery`).
 */
export interface FeatureWeights {
  word(stem: string): number;
  trigram(gram: string): number;
}

/**
 * The features the local embedder hashes for `text`, with their counts: stemmed content words and the character
 * trigrams of those words (before stemming); `surface` maps each stem to the first word that produced it.
 */
export function localFeatures(text: string): {
  words: Map<string, number>;
  trigrams: Map<string, number>;
  surface: Map<string, string>;
} {
  const words = new Map<string, number>();
  const trigrams = new Map<string, number>();
  const surface = new Map<string, string>();
  for (const word of tokenize(text)) {
    if (isStopword(word)) continue;
    const stem = porterStem(word);
    increment(words, stem);
    if (!surface.has(stem)) surface.set(stem, word);
    for (const gram of wordTrigrams(word)) increment(trigrams, gram);
  }
  return { words, trigrams, surface };
}

/** Smooth IDF, ln(1 + N/df), of the features of `text`; a feature the corpus never saw counts as df 1. */
function idfWeights(text: string, df: FeatureDf): FeatureWeights | undefined {
  if (!(df.n > 0)) return undefined;
  const { surface } = localFeatures(text);
  const idf = (count: number | undefined) => Math.log(1 + df.n / Math.max(count ?? 0, 1));
  return {
    // The stem's frequency is at least that of any spelling the corpus has of it: take the larger lookup.
    word: (stem) => idf(Math.max(df.words.get(surface.get(stem) ?? stem) ?? 0, df.words.get(stem) ?? 0)),
    trigram: (gram) => idf(df.trigrams.get(gram)),
  };
}

/**
 * The local embedding of one text (synchronous; `createLocalEmbedder` wraps it). With `weights`, each feature's
 * sublinear term frequency is multiplied by its weight before each half is normalised: for queries only, so that
 * cosine(weighted query, unweighted document) is a TF-IDF-like score while stored vectors stay corpus-independent.
 */
export function embedLocally(text: string, dimensions: number, wordShare: number, weights?: FeatureWeights): number[] {
  const half = dimensions / 2;
  const { words: wordCounts, trigrams: trigramCounts } = localFeatures(text);
  const words = hashFeatures(wordCounts, half, weights?.word);
  const trigrams = hashFeatures(trigramCounts, half, weights?.trigram);
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
function hashFeatures(
  counts: ReadonlyMap<string, number>,
  size: number,
  weight?: (feature: string) => number,
): number[] {
  const out = new Array<number>(size).fill(0);
  for (const [feature, count] of counts) {
    const hash = fnv1a(feature);
    const index = hash % size;
    // A bit the index does not use decides the sign, so colliding features cancel on average instead of adding.
    const sign = (hash >>> 31) & 1 ? -1 : 1;
    out[index] = (out[index] as number) + sign * (1 + Math.log(count)) * (weight ? weight(feature) : 1);
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
