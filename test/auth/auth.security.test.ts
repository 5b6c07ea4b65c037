import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_SECRET, type TestApp } from '../helpers/app.ts';

const key = new TextEncoder().encode(TEST_SECRET);
const claims = { org: 'acme', role: 'admin' };
const DAY = 24 * 3600;
const enc = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('authentication', () => {
  let t: TestApp;
  const now = () => Math.floor(t.clock.now().getTime() / 1000);
  const signed = (payload: Record<string, unknown>, secret = key) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).sign(secret);
  const me = async (token: string) => t.app.request('/me', { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t.close());

  const badTokens: [string, () => Promise<string> | string, RegExp][] = [
    ['malformed', () => 'not-a-jwt', /malformed/],
    ['expired', () => signed({ ...claims, sub: 'alice', jti: 'j1', iat: now() - 120, exp: now() - 60 }), /expired/],
    [
      'wrongly signed',
      () =>
        signed(
          { ...claims, sub: 'alice', jti: 'j1', iat: now(), exp: now() + 60 },
          new TextEncoder().encode('another-secret-that-is-long-enough-0000'),
        ),
      /signature/,
    ],
    [
      'tampered (role raised after signing)',
      async () => {
        const [header, , signature] = (
          await signed({ org: 'acme', role: 'viewer', sub: 'alice', jti: 'j', iat: now(), exp: now() + 60 })
        ).split('.');
        return `${header}.${enc({ org: 'acme', role: 'admin', sub: 'alice', jti: 'j', iat: now(), exp: now() + 60 })}.${signature}`;
      },
      /signature/,
    ],
    [
      'alg none',
      () => `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ ...claims, sub: 'alice', jti: 'j', exp: now() + 60 })}.`,
      /HS256/,
    ],
    [
      'RS256 without an identity provider',
      () => `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({ ...claims, sub: 'alice', jti: 'j', exp: now() + 60 })}.c2ln`,
      /HS256/,
    ],
    ['missing claims', () => signed({ sub: 'alice', jti: 'j', exp: now() + 60 }), /claims.*org.*iat/],
    ['without iat', () => signed({ ...claims, sub: 'alice', jti: 'j', exp: now() + 60 }), /claims.*iat/],
    ['without jti', () => signed({ ...claims, sub: 'alice', iat: now(), exp: now() + 60 }), /claims.*jti/],
    [
      'unknown role',
      () => signed({ org: 'acme', role: 'root', sub: 'alice', jti: 'j', iat: now(), exp: now() + 60 }),
      /role/,
    ],
    [
      'issued in the future',
      () => signed({ ...claims, sub: 'alice', jti: 'j', iat: now() + 3600, exp: now() + 7200 }),
      /future/,
    ],
    [
      'living longer than 90 days',
      () => signed({ ...claims, sub: 'alice', jti: 'j', iat: now(), exp: now() + 91 * DAY }),
      /longer than the 90 days/,
    ],
  ];

  it.each(badTokens)('refuses a %s token with 401 and a reason', async (_name, make, reason) => {
    const res = await me(await make());
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect((await res.json()).detail).toMatch(reason);
  });

  it('records refused logins in the claimed organisation, never with the token', async () => {
    const token = await signed({ ...claims, sub: 'mallory', jti: 'stolen', iat: now(), exp: now() - 1 });
    expect((await me(token)).status).toBe(401);
    const rows = await t.db.query<{ actor_id: string; outcome: string; data: Record<string, unknown> }>(
      "select actor_id, outcome, data from audit_log where org_id = 'acme' and action = 'auth.refused' and actor_id = 'mallory'",
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      outcome: 'refused',
      data: { reason: 'The token has expired', token_id: 'stolen' },
    });
    expect(JSON.stringify(rows)).not.toContain(token.split('.')[2]);
  });

  it('accepts a token just inside the limits (90 days, iat a few seconds ahead)', async () => {
    const token = await signed({ ...claims, sub: 'alice', jti: 'j', iat: now() + 5, exp: now() + 90 * DAY });
    expect((await me(token)).status).toBe(200);
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

  it('refuses to issue a token past the maximum lifetime', async () => {
    await expect(t.tokens.issue({ userId: 'a', orgId: 'acme', role: 'admin', ttlSeconds: 91 * DAY })).rejects.toThrow(
      /at most 90 days/,
    );
  });
});
