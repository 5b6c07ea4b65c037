import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { backends } from '../helpers/db.ts';

describe.each(backends)('health and docs on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  it('GET /healthz answers without a token', async () => {
    const res = await t.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('x-request-id')).toMatch(/.{8,}/);
  });

  it('GET /readyz reports the backend and no pending migrations', async () => {
    const res = await t.app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', database: backend, pending_migrations: [], starting: [] });
  });

  it('GET /openapi.json is an OpenAPI 3.1 document with bearer security', async () => {
    const res = await t.app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/healthz'].get.security).toEqual([]);
  });

  it('GET /docs serves the API reference page and every asset it loads, all from this server', async () => {
    const res = await t.app.request('http://skills.internal/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('/openapi.json');
    // Every URL the page references (src, href, import, url(...) and the config's url) is same-origin and answers.
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"|from '([^']+)'|url\(([^)]+)\)|"url": "([^"]+)"/g)].map(
      (m) => m[1] ?? m[2] ?? m[3] ?? m[4] ?? '',
    );
    expect(urls).toEqual(['/docs/assets/standalone.js', '/openapi.json']);
    expect(html).not.toMatch(/https?:\/\//);
    for (const url of urls) {
      const asset = await t.app.request(new URL(url, 'http://skills.internal/docs').href, {
        headers: { 'accept-encoding': 'gzip' },
      });
      expect(asset.status, url).toBe(200);
    }
    const bundle = await t.app.request('/docs/assets/standalone.js');
    expect(bundle.headers.get('content-type')).toContain('javascript');
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
    const cached = await t.app.request('/docs/assets/standalone.js', {
      headers: { 'if-none-match': bundle.headers.get('etag') ?? '' },
    });
    expect(cached.status).toBe(304);
  });

  it('logs one JSON line per request with its request id', async () => {
    const res = await t.app.request('/healthz', { headers: { 'x-request-id': 'trace-me-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-me-123');
    const line = t.logs.lines.find((l) => l['request_id'] === 'trace-me-123');
    expect(line).toMatchObject({ msg: 'request', method: 'GET', path: '/healthz', status: 200 });
  });

  it('unknown routes answer problem+json', async () => {
    const res = await t.request('/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 404, instance: '/no-such-thing' });
  });
});
