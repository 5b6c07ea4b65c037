import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { createIndexer } from '../../src/router/indexer.ts';
import { createLocalEmbedder, embedLocally } from '../../src/router/local-embedder.ts';
import { createOpenAIEmbedder } from '../../src/router/openai-embedder.ts';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { skillMd } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';

const SKILLS = [
  ['pdf-merge-split', 'Merge several PDF files into one, or split a PDF into pages.'],
  ['kubectl-debug', 'Inspect and debug Kubernetes pods and deployments.'],
  ['cold-email', 'Write outbound sales emails that get replies.'],
] as const;

async function publishAll(t: TestApp) {
  for (const [name, description] of SKILLS) {
    await publishSkill(t, { 'SKILL.md': skillMd({ name, description, version: '1.0.0' }) }, name);
  }
}

const keysOf = async (t: TestApp) =>
  (await t.db.query<{ embedding_model: string | null }>('select distinct embedding_model from skill_versions')).map(
    (r) => r.embedding_model,
  );

async function searchWith(t: TestApp, app: { request: TestApp['app']['request'] }, query: string) {
  const res = await app.request('/skills/search', {
    method: 'POST',
    headers: { authorization: `Bearer ${await t.tokenFor()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  expect(res.status).toBe(200);
  return res.json() as Promise<{
    results: { skill: { name: string }; explain: { vector_rank: number | null } }[];
    embedding: { provider: string; used: boolean };
  }>;
}

describe.each(backends)('embedding index on %s', (backend) => {
  describe('changing the model', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(backend, { embedder: createLocalEmbedder({ dimensions: 256 }) });
      await publishAll(t);
      await t.indexed();
    });
    afterAll(() => t?.close());

    it('embeds uploads in the background with the model key, and re-embeds everything when the model changes', async () => {
      expect(await keysOf(t)).toEqual(['local:hash-v1:256']);
      const before = await searchWith(t, t.app, 'merge pdf files');
      expect(before.results[0]).toMatchObject({ skill: { name: 'pdf-merge-split' }, explain: { vector_rank: 1 } });

      // A restart with another model: the start-up catch-up re-embeds every version, logging progress.
      const embedder = createLocalEmbedder({ dimensions: 512 });
      const indexer = createIndexer({ db: t.db, embedder, logger: t.logs.logger, batchSize: 2 });
      indexer.start();
      await indexer.idle();
      await indexer.close();
      expect(await keysOf(t)).toEqual(['local:hash-v1:512']);
      const progress = t.logs.lines.filter((l) => l['msg'] === 'embedding index: progress');
      expect(progress.at(-1)).toMatchObject({ model: 'local:hash-v1:512', done: 3, total: 3 });

      // Search compares only vectors of its own model: the new app uses them, the old one finds none.
      const app = createApp({ db: t.db, clock: t.clock, logger: t.logs.logger, tokens: t.tokens, embedder });
      const after = await searchWith(t, app, 'merge pdf files');
      expect(after.embedding.provider).toBe('local:hash-v1:512');
      expect(after.results[0]).toMatchObject({ skill: { name: 'pdf-merge-split' }, explain: { vector_rank: 1 } });
      const stale = await searchWith(t, t.app, 'merge pdf files');
      expect(stale.results.every((r) => r.explain.vector_rank === null)).toBe(true);
      expect(stale.results[0]!.skill.name).toBe('pdf-merge-split');
    });
  });

  describe('OpenAI-compatible provider', () => {
    let server: Server;
    let requests = 0;
    let t: TestApp;
    beforeAll(async () => {
      // Deterministic vectors (the local embedder's, so they mean something), and a 429 on every third request.
      server = createServer(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: string[]; model: string };
        if (requests++ % 3 === 2) {
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
          res.end(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit' } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            object: 'list',
            model: body.model,
            data: body.input.map((text, index) => ({
              object: 'embedding',
              index,
              embedding: embedLocally(text, 64, 0.5),
            })),
            usage: { prompt_tokens: 1, total_tokens: 1 },
          }),
        );
      });
      await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
      const { port } = server.address() as AddressInfo;
      const embedder = await createOpenAIEmbedder({
        baseURL: `http://127.0.0.1:${port}/v1`,
        model: 'fake-embed',
        retryBaseMs: 1,
      });
      t = await createTestApp(backend, { embedder });
      await publishAll(t);
      await t.indexed();
    });
    afterAll(async () => {
      await t?.close();
      await new Promise((done) => server.close(done));
    });

    it('indexes uploads through the endpoint despite 429s, and search uses its vectors', async () => {
      expect(await keysOf(t)).toEqual(['openai-compatible:fake-embed:64']);
      const body = await searchWith(t, t.app, 'my kubernetes pods keep crashing');
      expect(body.embedding).toEqual({ provider: 'openai-compatible:fake-embed:64', used: true });
      expect(body.results[0]).toMatchObject({ skill: { name: 'kubectl-debug' }, explain: { vector_rank: 1 } });
      expect(requests).toBeGreaterThan(3);
    });
  });
});
