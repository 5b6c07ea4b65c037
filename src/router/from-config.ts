import type { Config } from '../config.ts';
import type { Embedder } from './embedder.ts';
import { createLocalEmbedder } from './local-embedder.ts';
import { createOpenAIEmbedder } from './openai-embedder.ts';

/**
 * The embedder the configuration asks for: OpenAI (or an OpenAI-compatible server) when OPENAI_API_KEY or
 * OPENAI_BASE_URL is set, else the local embedder, which needs no network and no key.
 *
 * @example
 * const embedder = await embedderFromConfig(loadConfig());
 */
export async function embedderFromConfig(
  config: Pick<Config, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'EMBEDDING_MODEL' | 'EMBEDDING_DIMENSIONS'>,
): Promise<Embedder> {
  if (config.OPENAI_API_KEY || config.OPENAI_BASE_URL) {
    return createOpenAIEmbedder({
      apiKey: config.OPENAI_API_KEY,
      baseURL: config.OPENAI_BASE_URL,
      model: config.EMBEDDING_MODEL,
      dimensions: config.EMBEDDING_DIMENSIONS,
    });
  }
  return createLocalEmbedder({ dimensions: config.EMBEDDING_DIMENSIONS });
}
