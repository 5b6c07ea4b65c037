/**
 * Langfuse traces: through `@langfuse/otel`'s span processor into an in-memory exporter, and through its real OTLP
 * exporter into a local HTTP receiver standing in for Langfuse. One trace per run with its attributes, children
 * nested, searches traced, secrets and large values kept out, and an unreachable Langfuse costs a run nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/telemetry/logger.ts';
import { createTracing, langfuseProcessor, spanIdOf, traceIdOf } from '../../src/telemetry/tracing.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { backends } from '../helpers/db.ts';
import { type Json, publishCode, run } from '../runs/helpers.ts';

const logger = createLogger({ level: 'silent' });
const DOUBLER = 'export default (i: { n: number }) => ({ n: i.n * 2 });';
const CALLER = "export default async (i: { n: number }, ctx: any) => ctx.callSkill('doubler', { n: i.n + 1 });";

describe.each(backends)('run traces in memory (%s)', (backend) => {
  const exporter = new InMemorySpanExporter();
  const tracing = createTracing({
    processor: langfuseProcessor({ publicKey: 'pk-lf-test', secretKey: 'sk-lf-test', exporter }),
    logger,
  });
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend, { deps: { tracing } });
    await publishCode(t, 'doubler', DOUBLER);
    await publishCode(t, 'caller', CALLER);
  });
  afterAll(async () => {
    await tracing.shutdown();
    await t.close();
  });

  const spansOf = async (traceId: string) => {
    // A child's span is written once its root is found (a query), then the batch is flushed.
    await new Promise((r) => setTimeout(r, 200));
    await tracing.flush();
    return exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  };
  const attr = (span: ReadableSpan, key: string) => span.attributes[key];

  it('writes one trace per run with run id, skill, version, user, org, input, output, status and latency', async () => {
    const { body } = await run(t, { skill: 'caller', input: { n: 1 } }, { user: 'bob', role: 'author' });
    expect(body).toMatchObject({ status: 'succeeded', output: { n: 4 } });
    const spans = await spansOf(traceIdOf(body.id));
    expect(spans).toHaveLength(2);
    const root = spans.find((s) => s.spanContext().spanId === spanIdOf(body.id))!;
    expect(root.parentSpanContext).toBeUndefined();
    expect(attr(root, 'langfuse.trace.name')).toBe('run caller');
    expect(attr(root, 'user.id')).toBe('bob');
    expect(attr(root, 'session.id')).toBe('acme');
    expect(JSON.parse(String(attr(root, 'langfuse.trace.input')))).toEqual({ n: 1 });
    expect(JSON.parse(String(attr(root, 'langfuse.observation.output')))).toEqual({ n: 4 });
    expect(attr(root, 'langfuse.observation.metadata.run_id')).toBe(body.id);
    expect(attr(root, 'langfuse.observation.metadata.skill')).toBe('caller');
    expect(attr(root, 'langfuse.observation.metadata.org_id')).toBe('acme');
    expect(attr(root, 'langfuse.observation.metadata.status')).toBe('succeeded');
    expect(attr(root, 'langfuse.version')).toBe('1.0.0');
    expect(root.duration[0] * 1000 + root.duration[1] / 1e6).toBeGreaterThanOrEqual(0);
    // The child run is an observation nested under the run that called it.
    const child = spans.find((s) => s !== root)!;
    expect(child.parentSpanContext?.spanId).toBe(spanIdOf(body.id));
    expect(attr(child, 'langfuse.observation.metadata.skill')).toBe('doubler');
    expect(JSON.parse(String(attr(child, 'langfuse.observation.input')))).toEqual({ n: 2 });
  });

  it('traces a failed run at level ERROR with its error, and caps large inputs', async () => {
    await publishCode(t, 'thrower', 'export default () => { throw new Error("broken on purpose"); };');
    const { body } = await run(t, { skill: 'thrower', input: { blob: 'x'.repeat(40_000) } });
    expect(body.status).toBe('failed');
    const [span] = await spansOf(traceIdOf(body.id));
    expect(attr(span!, 'langfuse.observation.level')).toBe('ERROR');
    expect(String(attr(span!, 'langfuse.observation.status_message'))).toContain('broken on purpose');
    expect(JSON.parse(String(attr(span!, 'langfuse.observation.input')))).toEqual({ truncated: true, bytes: 40_011 });
  });

  it('traces a search with its query, top results and scores', async () => {
    await t.indexed();
    exporter.reset();
    const res = await t.request('/skills/search', { method: 'POST', json: { query: 'double a number' } });
    expect(res.status).toBe(200);
    await tracing.flush();
    const search = exporter.getFinishedSpans().find((s) => s.name === 'search')!;
    expect(JSON.parse(String(attr(search, 'langfuse.observation.input')))).toEqual({ query: 'double a number' });
    const results = JSON.parse(String(attr(search, 'langfuse.observation.output'))) as Json[];
    expect(results[0]).toMatchObject({ name: 'doubler', score: expect.any(Number) });
  });
});

/** A stand-in for Langfuse's OTLP endpoint: records each export's path, credentials and JSON body. */
async function startReceiver() {
  const received: { path: string; authorization?: string; body: Json }[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body: JSON.parse(text || 'null'),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { received, url, close: () => new Promise<void>((done) => server.close(() => done())) };
}

describe('run traces over OTLP to a local receiver', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let t: TestApp;
  let tracing: ReturnType<typeof createTracing>;
  beforeAll(async () => {
    receiver = await startReceiver();
    tracing = createTracing({
      processor: langfuseProcessor({ publicKey: 'pk-lf-1', secretKey: 'sk-lf-1', baseUrl: receiver.url }),
      logger,
    });
    t = await createTestApp('pglite', { deps: { tracing } });
    await publishCode(t, 'doubler', DOUBLER);
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('exports one trace per run to /api/public/otel/v1/traces with basic auth, flushed on shutdown', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await run(t, { skill: 'doubler', input: { n } })).body.id);
    await tracing.shutdown();
    expect(receiver.received.length).toBeGreaterThan(0);
    for (const r of receiver.received) {
      expect(r.path).toBe('/api/public/otel/v1/traces');
      expect(r.authorization).toBe(`Basic ${Buffer.from('pk-lf-1:sk-lf-1').toString('base64')}`);
    }
    const spans = receiver.received.flatMap((r) =>
      (r.body.resourceSpans as Json[]).flatMap((rs) => (rs.scopeSpans as Json[]).flatMap((ss) => ss.spans as Json[])),
    );
    const traces = new Map<string, Json[]>();
    for (const span of spans) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
    expect([...traces.keys()].sort()).toEqual(ids.map(traceIdOf).sort());
    const value = (span: Json, key: string) => span.attributes.find((a: Json) => a.key === key)?.value;
    for (const id of ids) {
      const [span] = traces.get(traceIdOf(id))!;
      expect(value(span, 'langfuse.observation.metadata.run_id')).toEqual({ stringValue: id });
      expect(value(span, 'user.id')).toEqual({ stringValue: 'alice' });
      expect(value(span, 'langfuse.observation.metadata.status')).toEqual({ stringValue: 'succeeded' });
    }
  });
});

describe('an unreachable Langfuse', () => {
  it('neither slows nor fails a run', async () => {
    const closed = await startReceiver();
    await closed.close();
    const tracing = createTracing({
      processor: langfuseProcessor({ publicKey: 'pk', secretKey: 'sk', baseUrl: closed.url }),
      logger,
    });
    const t = await createTestApp('pglite', { deps: { tracing } });
    try {
      await publishCode(t, 'doubler', DOUBLER);
      // The first run starts the sandbox's workers; time the ones after it, with an export failing meanwhile.
      await run(t, { skill: 'doubler', input: { n: 0 } });
      await tracing.flush();
      const started = performance.now();
      const { body } = await run(t, { skill: 'doubler', input: { n: 5 } });
      expect(body).toMatchObject({ status: 'succeeded', output: { n: 10 } });
      expect(performance.now() - started).toBeLessThan(2000);
      await tracing.shutdown();
    } finally {
      await t.close();
    }
  });
});
