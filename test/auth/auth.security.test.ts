import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/api/openapi.ts';
import { createTestApp, TEST_SECRET, type TestApp } from '../helpers/app.ts';

const PUBLIC = new Set(['/healthz', '/readyz', '/openapi.json', '/docs']);

/** Every route of the OpenAPI document that needs a token, with path parameters filled in. */
function protectedRoutes(): { method: string; path: string }[] {
  const doc = buildOpenApiDocument() as unknown as { paths: Record<string, Record<string, unknown>> };
  const routes: { method: string; path: string }[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    if (PUBLIC.has(path)) continue;
    for (const method of Object.keys(operations)) {
      routes.push({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'x') });
    }
  }
  return routes;
}

const key = new TextEncoder().encode(TEST_SECRET);
const now = () => Math.floor(Date.now() / 1000);
const claims = { org: 'acme', role: 'admin' };

describe('authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t.close());

  it('covers at least the caller route', () => {
    expect(protectedRoutes().map((r) => r.path)).toContain('/me');
  });

  it.each(protectedRoutes())('$method $path answers 401 problem+json without a token', async ({ method, path }) => {
    const res = await t.app.request(path, { method });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 401, title: 'Authentication required' });
  });

  const badTokens: [string, () => Promise<string> | string, RegExp][] = [
    ['malformed', () => 'not-a-jwt', /malformed/],
    [
      'expired',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('alice')
          .setJti('j1')
          .setExpirationTime(now() - 60)
          .sign(key),
      /expired/,
    ],
    [
      'wrongly signed',
      () =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('alice')
          .setJti('j1')
          .setExpirationTime(now() + 60)
          .sign(new TextEncoder().encode('another-secret-that-is-long-enough-0000')),
      /signature/,
    ],
    [
      'alg none',
      () => {
        const enc = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
        return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ ...claims, sub: 'alice', jti: 'j', exp: now() + 60 })}.`;
      },
      /HS256|malformed/,
    ],
    [
      'missing claims',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('alice')
          .setJti('j')
          .setExpirationTime(now() + 60)
          .sign(key),
      /claims/,
    ],
    [
      'unknown role',
      () =>
        new SignJWT({ org: 'acme', role: 'root' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('alice')
          .setJti('j')
          .setExpirationTime(now() + 60)
          .sign(key),
      /role/,
    ],
  ];

  it.each(badTokens)('refuses a %s token with 401 and a reason', async (_name, make, reason) => {
    const res = await t.app.request('/me', { headers: { authorization: `Bearer ${await make()}` } });
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body.detail).toMatch(reason);
  });

  it('refuses a non-Bearer authorization header', async () => {
    const res = await t.app.request('/me', { headers: { authorization: 'Basic YWxpY2U6cHc=' } });
    expect(res.status).toBe(401);
    expect((await res.json()).detail).toMatch(/Bearer/);
  });

  it('accepts a valid token and exposes the caller', async () => {
    const res = await t.request('/me', { as: { user: 'bob', org: 'globex', role: 'viewer' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user_id: 'bob', org_id: 'globex', role: 'viewer' });
  });
});
