import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteIdentityProvider } from '../../src/auth/tokens.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

const ISSUER = 'https://idp.test/';
const AUDIENCE = 'open-skills';
type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** An identity provider's keys served as a JWKS by a local HTTP server, as JWT_JWKS_URL points at one. */
async function serveJwks(keys: JWK[]): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, server };
}

describe('tokens from an external identity provider (JWKS)', () => {
  let t: TestApp;
  let jwks: Server;
  const keys: Record<string, { privateKey: Key; alg: string }> = {};

  const idpToken = (
    kid: string,
    claims: Record<string, unknown>,
    options: { issuer?: string; audience?: string; lifetime?: number } = {},
  ) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ org: 'acme', ...claims })
      .setProtectedHeader({ alg: keys[kid]!.alg, kid })
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setSubject(String(claims['sub'] ?? 'idp-user'))
      .setIssuedAt(now)
      .setExpirationTime(now + (options.lifetime ?? 3600))
      .sign(keys[kid]!.privateKey);
  };
  const me = async (token: string) => t.app.request('/me', { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    const published: JWK[] = [];
    for (const [kid, alg] of [
      ['rsa-1', 'RS256'],
      ['ec-1', 'ES256'],
      ['stranger', 'RS256'],
    ] as const) {
      const pair = await generateKeyPair(alg, { extractable: true });
      keys[kid] = { privateKey: pair.privateKey, alg };
      if (kid !== 'stranger') published.push({ ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' });
    }
    const served = await serveJwks(published);
    jwks = served.server;
    t = await createTestApp('pglite', { tokens: { idp: remoteIdentityProvider(served.url, ISSUER, AUDIENCE) } });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  it('accepts RS256 and ES256 tokens of the provider; a signed role claim is trusted', async () => {
    const rsa = await me(await idpToken('rsa-1', { sub: 'ida', role: 'author', jti: 'idp-1' }));
    expect(rsa.status).toBe(200);
    expect(await rsa.json()).toMatchObject({ user_id: 'ida', org_id: 'acme', role: 'author', token_id: 'idp-1' });
    const ec = await me(await idpToken('ec-1', { sub: 'ida', role: 'viewer' }));
    expect(ec.status).toBe(200);
    expect((await ec.json()).role).toBe('viewer');
  });

  it('takes the member role when the token has no role claim, and refuses non-members with 403', async () => {
    const token = await idpToken('ec-1', { sub: 'eve' });
    const refused = await me(token);
    expect(refused.status).toBe(403);
    expect((await refused.json()).detail).toMatch(/"eve" is not a member of "acme".*PUT \/orgs\/acme\/members\/eve/);
    const added = await t.request('/orgs/acme/members/eve', { method: 'PUT', json: { role: 'publisher' } });
    expect(added.status).toBe(201);
    const accepted = await me(token);
    expect(accepted.status).toBe(200);
    expect((await accepted.json()).role).toBe('publisher');
  });

  it.each([
    ['another audience', () => idpToken('rsa-1', { role: 'admin' }, { audience: 'someone-else' }), /aud/],
    ['another issuer', () => idpToken('rsa-1', { role: 'admin' }, { issuer: 'https://evil.test/' }), /iss/],
    ['a key the provider does not publish', () => idpToken('stranger', { role: 'admin' }), /signing key/],
    ['a lifetime over the maximum', () => idpToken('rsa-1', { role: 'admin' }, { lifetime: 100 * 86_400 }), /90 days/],
  ])('refuses a provider token with %s (401)', async (_name, make, reason) => {
    const res = await me(await make());
    expect(res.status).toBe(401);
    expect((await res.json()).detail).toMatch(reason);
  });

  it('still accepts its own HS256 tokens', async () => {
    expect((await t.request('/me')).status).toBe(200);
  });
});
