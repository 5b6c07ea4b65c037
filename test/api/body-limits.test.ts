import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { runnableSkill } from '../helpers/bundles.ts';

// Every route has a body limit, the default unless its router declares a larger one.
describe('body limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    await publishSkill(t, runnableSkill('hello'), 'hello');
  });
  afterAll(() => t.close());

  const big = JSON.stringify({ query: 'x'.repeat(2 * 1024 * 1024) });

  it('refuses bodies past 1 MB on routes that declare nothing, with a 413 problem', async () => {
    for (const [method, path] of [
      ['POST', '/skills/search'],
      ['PATCH', '/skills/hello'],
      ['PUT', '/secrets/KEY'],
      ['POST', '/skills/prompt'],
      ['POST', '/no-such-route'],
    ] as const) {
      const res = await t.request(path, { method, body: big, headers: { 'content-type': 'application/json' } });
      expect(res.status, `${method} ${path}`).toBe(413);
      expect((await res.json()).type).toBe('https://open-skills.dev/problems/payload-too-large');
    }
  });

  it('counts a chunked body as it arrives', async () => {
    const chunk = new Uint8Array(256 * 1024).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await t.request('/skills/search', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('lets run requests and uploads through past 1 MB, up to their own limit', async () => {
    const res = await t.request('/runs', {
      method: 'POST',
      json: { skill: 'hello', input: { name: 'x'.repeat(900_000), pad: 'y'.repeat(200_000) } },
    });
    // Past the default body limit, yet refused for its input size (1 MB), not for its body size.
    expect(res.status).toBe(413);
    expect((await res.json()).detail).toMatch(/The input is \d+ bytes/);
  });

  it('refuses NUL characters and over-deep JSON with a 400 problem, never a 500', async () => {
    const post = (body: string) =>
      t.request('/skills/search', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    for (const body of ['{"query":"a\\u0000b"}', `{"query":"x","deep":${'['.repeat(200)}${']'.repeat(200)}}`]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect((await res.json()).detail).toMatch(/NUL|deeper than/);
    }
    expect((await t.request('/runs?skill=a%00b')).status).toBe(400);
    const form = new FormData();
    form.set('request', '{"skill":"hello","input":{"a":"\\u0000"}}');
    expect((await t.request('/runs', { method: 'POST', body: form })).status).toBe(400);
  });
});
