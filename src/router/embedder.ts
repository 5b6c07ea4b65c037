/**
 * Turns texts into vectors for the router. Skills and queries must be embedded by the same embedder: `key` is
 * stored beside every skill embedding (`skill_versions.embedding_model`) and search compares only vectors with
 * the same key.
 */
export interface Embedder {
  /** `provider:model:dimensions`, e.g. `local:hash-v1:1024` or `openai:text-embedding-3-large:1536`. */
  readonly key: string;
  readonly dimensions: number;
  /** One vector per text, in order. Vectors are L2-normalised so cosine distance and inner product agree. */
  embed(texts: string[]): Promise<number[][]>;
  /**
   * Optional, with `embedQuery`: the features of a request whose document frequencies in the searched corpus
   * `embedQuery` can weigh by. The local embedder has them; a semantic model (OpenAI) does not need them.
   */
  queryFeatures?(text: string): QueryFeatures;
  /** Optional: the request embedded with each feature scaled by its IDF in a corpus of `df.n` documents. */
  embedQuery?(text: string, df: FeatureDf): number[];
}

/**
 * Features of a request to look up document frequencies for: its words (as written, and as the embedder stems
 * them) and their character trigrams.
 */
export interface QueryFeatures {
  words: string[];
  trigrams: string[];
}

/** Document frequencies of a request's features in a corpus of `n` documents (0 or missing: never seen). */
export interface FeatureDf {
  n: number;
  words: ReadonlyMap<string, number>;
  trigrams: ReadonlyMap<string, number>;
}

/** Scales `vector` to unit length in place (a zero vector stays zero) and returns it. */
export function normalizeL2(vector: number[]): number[] {
  let sum = 0;
  for (const x of vector) sum += x * x;
  if (sum === 0) return vector;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) * scale;
  return vector;
}

/** pgvector's text form, `[0.1,0.2,...]`, for a `$n::vector` parameter. */
export function toVectorLiteral(vector: readonly number[]): string {
  return `[${vector.join(',')}]`;
}
