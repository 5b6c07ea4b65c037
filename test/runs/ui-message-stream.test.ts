import {
  parseJsonEventStream,
  readUIMessageStream,
  type UIMessage,
  type UIMessageChunk,
  uiMessageChunkSchema,
} from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { backends } from '../helpers/db.ts';
import { type Json, publishCode, run, waitForRun } from './helpers.ts';

/** Parses a response body with the `ai` package's own reader; every chunk must pass its schema. */
async function readChunks(res: Response): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = [];
  const parsed = parseJsonEventStream({ stream: res.body!, schema: uiMessageChunkSchema });
  for await (const result of parsed as unknown as AsyncIterable<
    { success: true; value: UIMessageChunk } | { success: false; error: Error }
  >) {
    if (!result.success) throw result.error;
    chunks.push(result.value);
  }
  return chunks;
}

/** The assistant message the `ai` package builds from the chunks (what `useChat` would show). */
async function messageOf(chunks: UIMessageChunk[]): Promise<UIMessage | undefined> {
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  let last: UIMessage | undefined;
  for await (const message of readUIMessageStream({ stream, terminateOnError: true })) last = message;
  return last;
}

describe.each(backends)('runs as AI SDK UI message streams on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
    await publishCode(
      t,
      'report-writer',
      [
        'export default async (input: any, ctx: any) => {',
        "  ctx.log('reading ' + input.title);",
        "  await ctx.artifacts.write('report.md', '# ' + input.title, { mimeType: 'text/markdown' });",
        "  console.warn('almost done');",
        '  return { pages: 1 };',
        '};',
      ].join('\n'),
    );
    await publishCode(t, 'breaker', "export default () => { throw new Error('broken on purpose'); };");
  });
  afterAll(() => t.close());

  it('maps a finished run to start, tool input, logs, file, tool output, finish and [DONE]', async () => {
    const { body: finished } = await run(t, { skill: 'report-writer', input: { title: 'Q1' } });
    expect(finished.status).toBe('succeeded');
    const res = await t.request(`/runs/${finished.id}/events?format=ui-message-stream`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    const raw = await res.clone().text();
    expect(raw.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(raw).not.toMatch(/^event:/m);

    const chunks = await readChunks(res);
    const artifact = finished.artifacts[0];
    // Logs and files come in the order the run recorded them (a replay orders them by time).
    const middle = chunks.slice(2, -2);
    expect(middle.filter((c) => c.type === 'data-log')).toEqual([
      { type: 'data-log', data: finished.logs[0] },
      { type: 'data-log', data: finished.logs[1] },
    ]);
    expect(middle.filter((c) => c.type !== 'data-log')).toEqual([
      { type: 'file', url: `http://localhost/artifacts/${artifact.id}`, mediaType: 'text/markdown' },
    ]);
    expect([...chunks.slice(0, 2), ...chunks.slice(-2)]).toEqual([
      { type: 'start', messageId: finished.id },
      { type: 'tool-input-available', toolCallId: finished.id, toolName: 'report-writer', input: { title: 'Q1' } },
      { type: 'tool-output-available', toolCallId: finished.id, output: { pages: 1 } },
      {
        type: 'finish',
        finishReason: 'stop',
        messageMetadata: {
          run_id: finished.id,
          status: 'succeeded',
          duration_ms: finished.duration_ms,
          usage: finished.usage,
        },
      },
    ]);
    expect(finished.logs.map((l: Json) => l.message)).toEqual(['reading Q1', 'almost done']);

    const message = await messageOf(chunks);
    expect(message?.id).toBe(finished.id);
    expect(message?.parts.map((p) => p.type)).toEqual([
      'tool-report-writer',
      ...middle.map((c) => (c.type === 'file' ? 'file' : 'data-log')),
    ]);
    expect(message?.parts[0]).toMatchObject({
      toolCallId: finished.id,
      state: 'output-available',
      input: { title: 'Q1' },
      output: { pages: 1 },
    });
    expect(message?.metadata).toMatchObject({ run_id: finished.id, status: 'succeeded' });
    // The file part's URL downloads the artifact with the caller's token.
    const file = chunks.find((c) => c.type === 'file') as { url: string };
    const download = await t.request(new URL(file.url).pathname);
    expect(await download.text()).toBe('# Q1');
  });

  it('streams a live run and ends a failed one with tool-output-error', async () => {
    const started = await run(t, { skill: 'breaker', input: {}, async: true });
    expect(started.status).toBe(202);
    const chunks = await readChunks(await t.request(`/runs/${started.body.id}/events?format=ui-message-stream`));
    const done = await waitForRun(t, started.body.id);
    expect(done.status).toBe('failed');
    expect(chunks.map((c) => c.type)).toEqual(['start', 'tool-input-available', 'tool-output-error', 'finish']);
    expect(chunks[2]).toEqual({
      type: 'tool-output-error',
      toolCallId: started.body.id,
      errorText: 'skill_error: broken on purpose',
    });
    expect(chunks[3]).toMatchObject({ type: 'finish', finishReason: 'error' });
    const message = await messageOf(chunks);
    expect(message?.parts[0]).toMatchObject({ state: 'output-error', errorText: 'skill_error: broken on purpose' });
  });

  it('keeps the default format, refuses unknown formats, other organisations and missing tokens', async () => {
    const { body: finished } = await run(t, { skill: 'report-writer', input: { title: 'x' } });
    const plain = await t.request(`/runs/${finished.id}/events`);
    expect(plain.headers.get('x-vercel-ai-ui-message-stream')).toBeNull();
    expect(await plain.text()).toMatch(/^event: status$/m);
    const bad = await t.request(`/runs/${finished.id}/events?format=ndjson`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const foreign = await t.request(`/runs/${finished.id}/events?format=ui-message-stream`, {
      as: { user: 'mallory', org: 'evil' },
    });
    expect(foreign.status).toBe(404);
    const anonymous = await t.app.request(`/runs/${finished.id}/events?format=ui-message-stream`);
    expect(anonymous.status).toBe(401);
  });
});
