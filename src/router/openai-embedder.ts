import OpenAI from 'openai';
import { type Embedder, normalizeL2 } from './embedder.ts';

export interface OpenAIEmbedderOptions {
  apiKey?: string;
  /** An OpenAI-compatible endpoint (vLLM, Ollama, LocalAI, TEI...); unset means api.openai.com. */
  baseURL?: string;
  /** Default `text-embedding-3-large`. */
  model?: string;
  /**
   * Vector size. For OpenAI's text-embedding-3-* it defaults to 1536 (so an HNSW index fits, which stops at 2000)
   * and is sent as the `dimensions` parameter. For other endpoints it is sent only when set; when unset the size is
   * learned from one probe request, since many servers reject the parameter.
   */
  dimensions?: number;
  /** Texts per request. Default 64. */
  batchSize?: number;
  /** Per-request time limit in ms. Default 15 000. */
  requestTimeoutMs?: number;
  /** Time limit for one `embed` call, retries included, in ms. Default 60 000. */
  totalTimeoutMs?: number;
  /** Retries after the first attempt of each batch on 429, 5xx and connection errors. Default 5. */
  maxRetries?: number;
  /** First backoff delay in ms, doubled per retry with full jitter, capped at 8 s. Default 500. */
  retryBaseMs?: number;
}

const OPENAI_DEFAULT_DIMENSIONS = 1536;
const MAX_BACKOFF_MS = 8_000;

/**
 * An embedder backed by the OpenAI embeddings API or any OpenAI-compatible server. Requests are batched,
 * retried with exponential backoff (honouring Retry-After) on rate limits and server errors, and time-limited.
 *
 * @example
 * const embedder = await createOpenAIEmbedder({ apiKey: config.OPENAI_API_KEY });
 * embedder.key; // 'openai:text-embedding-3-large:1536'
 */
export async function createOpenAIEmbedder(options: OpenAIEmbedderOptions = {}): Promise<Embedder> {
  const model = options.model ?? 'text-embedding-3-large';
  const isOpenAI = !options.baseURL || new URL(options.baseURL).hostname === 'api.openai.com';
  const sendDimensions =
    options.dimensions ?? (isOpenAI && model.startsWith('text-embedding-3') ? OPENAI_DEFAULT_DIMENSIONS : undefined);
  const client = new OpenAI({
    // Local servers often need no key, but the client insists on one.
    apiKey: options.apiKey ?? 'unused',
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    timeout: options.requestTimeoutMs ?? 15_000,
    maxRetries: 0,
  });
  const request: BatchRequest = {
    client,
    model,
    sendDimensions,
    maxRetries: options.maxRetries ?? 5,
    retryBaseMs: options.retryBaseMs ?? 500,
  };
  const batchSize = options.batchSize ?? 64;
  const totalTimeoutMs = options.totalTimeoutMs ?? 60_000;

  const embedAll = async (texts: string[], expected: number | undefined): Promise<number[][]> => {
    const deadline = Date.now() + totalTimeoutMs;
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += batchSize) {
      const vectors = await embedBatch(request, texts.slice(i, i + batchSize), deadline);
      for (const vector of vectors) {
        if (expected !== undefined && vector.length !== expected) {
          throw new Error(`embedding model ${model} returned ${vector.length} dimensions, expected ${expected}`);
        }
        out.push(normalizeL2(vector));
      }
    }
    return out;
  };

  const dimensions = sendDimensions ?? (await embedAll(['dimension probe'], undefined))[0]?.length ?? 0;
  if (dimensions === 0) throw new Error(`embedding model ${model} returned an empty vector`);
  return {
    key: `${isOpenAI ? 'openai' : 'openai-compatible'}:${model}:${dimensions}`,
    dimensions,
    embed: (texts) => embedAll(texts, dimensions),
  };
}

interface BatchRequest {
  client: OpenAI;
  model: string;
  sendDimensions: number | undefined;
  maxRetries: number;
  retryBaseMs: number;
}

async function embedBatch(request: BatchRequest, texts: string[], deadline: number): Promise<number[][]> {
  for (let attempt = 0; ; attempt++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error('embedding request timed out');
    try {
      const response = await request.client.embeddings.create(
        {
          model: request.model,
          // The API rejects empty strings; a space embeds as "nothing" just the same.
          input: texts.map((text) => (text === '' ? ' ' : text)),
          // Floats, not the client's default base64: not every compatible server implements base64.
          encoding_format: 'float',
          ...(request.sendDimensions !== undefined ? { dimensions: request.sendDimensions } : {}),
        },
        { timeout: remaining },
      );
      const ordered = [...response.data].sort((a, b) => a.index - b.index);
      if (ordered.length !== texts.length) {
        throw new Error(`embeddings endpoint returned ${ordered.length} vectors for ${texts.length} texts`);
      }
      return ordered.map((item) => item.embedding as number[]);
    } catch (error) {
      const delay = retryDelayMs(error, attempt, request);
      if (delay === undefined || Date.now() + delay >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** The wait before the next attempt, or undefined when the error is not worth retrying. */
function retryDelayMs(error: unknown, attempt: number, request: BatchRequest): number | undefined {
  if (attempt >= request.maxRetries) return undefined;
  const retryable =
    error instanceof OpenAI.APIConnectionError || // includes timeouts
    (error instanceof OpenAI.APIError && error.status !== undefined && (error.status === 429 || error.status >= 500));
  if (!retryable) return undefined;
  const backoff = Math.random() * Math.min(MAX_BACKOFF_MS, request.retryBaseMs * 2 ** attempt);
  const retryAfter = error instanceof OpenAI.APIError ? Number(error.headers?.get('retry-after')) : Number.NaN;
  // A server that says when to come back knows better than our guess, within reason.
  return Number.isFinite(retryAfter) && retryAfter >= 0 ? Math.min(retryAfter * 1000, MAX_BACKOFF_MS) : backoff;
}
