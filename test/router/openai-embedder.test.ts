import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIEmbedder } from '../../src/router/openai-embedder.ts';

interface EmbeddingRequest {
  model: string;
  input: string[];
  dimensions?: number;
  encoding_format?: string;
}

interface FakeServer {
  baseURL: string;
  requests: EmbeddingRequest[];
  close(): Promise<void>;
}

/** A deterministic vector for a text: its length and char codes, so tests can tell texts apart. */
function fakeVector(text: string, dims: number): number[] {
  return Array.from({ length: dims }, (_, i) => (text.charCodeAt(i % text.length) % 7) + i + 1);
}

async function readJson(req: IncomingMessage): Promise<EmbeddingRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** An OpenAI-compatible /embeddings endpoint; `fail(n)` decides the status of the n-th request (0-based). */
async function startFakeServer(
  options: { nativeDims?: number; ignoreDimensions?: boolean; fail?: (n: number) => number | undefined } = {},
) {
  const requests: EmbeddingRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const body = await readJson(req);
    const n = requests.push(body) - 1;
    const status = options.fail?.(n);
    if (status) {
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '0' } : {}) });
      res.end(JSON.stringify({ error: { message: 'try again', type: 'rate_limit' } }));
      return;
    }
    const dims = (options.ignoreDimensions ? undefined : body.dimensions) ?? options.nativeDims ?? 8;
    // Out of order on purpose: clients must sort by index.
    const data = body.input.map((text, index) => ({ object: 'embedding', index, embedding: fakeVector(text, dims) }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', model: body.model, data: data.reverse(), usage: {} }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeServer = {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return fake;
}

describe('createOpenAIEmbedder against an OpenAI-compatible server', () => {
  let fake: FakeServer | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('batches texts, keeps their order and normalises vectors', async () => {
    fake = await startFakeServer();
    const embedder = await createOpenAIEmbedder({ baseURL: fake.baseURL, model: 'm', dimensions: 4, batchSize: 2 });
    const texts = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    const vectors = await embedder.embed(texts);
    expect(fake.requests.map((r) => r.input)).toEqual([['alpha', 'beta'], ['gamma', 'delta'], ['epsilon']]);
    expect(fake.requests.every((r) => r.dimensions === 4 && r.encoding_format === 'float')).toBe(true);
    for (const [i, vector] of vectors.entries()) {
      const raw = fakeVector(texts[i]!, 4);
      const norm = Math.hypot(...raw);
      expect(vector.map((x) => x * norm)).toEqual(raw.map((x) => expect.closeTo(x, 9)));
    }
    expect(embedder.key).toBe('openai-compatible:m:4');
  });

  it('retries 429 and 5xx answers with backoff', async () => {
    fake = await startFakeServer({ fail: (n) => [429, 503, 429][n] });
    const embedder = await createOpenAIEmbedder({ baseURL: fake.baseURL, dimensions: 4, retryBaseMs: 1 });
    const [vector] = await embedder.embed(['hello']);
    expect(vector).toHaveLength(4);
    expect(fake.requests).toHaveLength(4);
  });

  it('gives up after maxRetries and does not retry client errors', async () => {
    fake = await startFakeServer({ fail: () => 429 });
    const limited = await createOpenAIEmbedder({ baseURL: fake.baseURL, dimensions: 4, maxRetries: 2, retryBaseMs: 1 });
    await expect(limited.embed(['x'])).rejects.toMatchObject({ status: 429 });
    expect(fake.requests).toHaveLength(3);
    await fake.close();

    fake = await startFakeServer({ fail: () => 400 });
    const embedder = await createOpenAIEmbedder({ baseURL: fake.baseURL, dimensions: 4, retryBaseMs: 1 });
    await expect(embedder.embed(['x'])).rejects.toMatchObject({ status: 400 });
    expect(fake.requests).toHaveLength(1);
  });

  it('omits dimensions for a non-OpenAI endpoint without the option and learns the size from a probe', async () => {
    fake = await startFakeServer({ nativeDims: 6 });
    const embedder = await createOpenAIEmbedder({ baseURL: fake.baseURL, model: 'nomic-embed-text' });
    expect(embedder.dimensions).toBe(6);
    expect(embedder.key).toBe('openai-compatible:nomic-embed-text:6');
    await embedder.embed(['a']);
    expect(fake.requests.every((r) => r.dimensions === undefined)).toBe(true);
  });

  it('stops retrying at the total time limit', async () => {
    fake = await startFakeServer({ fail: () => 503 });
    const embedder = await createOpenAIEmbedder({
      baseURL: fake.baseURL,
      dimensions: 4,
      retryBaseMs: 200,
      maxRetries: 100,
      totalTimeoutMs: 300,
    });
    const start = Date.now();
    await expect(embedder.embed(['x'])).rejects.toThrow();
    expect(Date.now() - start).toBeLessThan(1_000);
  });

  it('rejects vectors of the wrong size', async () => {
    fake = await startFakeServer({ nativeDims: 5, ignoreDimensions: true });
    const embedder = await createOpenAIEmbedder({ baseURL: fake.baseURL, model: 'm', dimensions: 3 });
    await expect(embedder.embed(['x'])).rejects.toThrow(/returned 5 dimensions, expected 3/);
  });
});
