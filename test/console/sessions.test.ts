/**
 * Console sessions: a token becomes an HttpOnly, SameSite=Strict cookie (Secure over https) whose row holds no
 * usable token; a session ends with log-out, with its token's revocation and after its lifetime; a one-time login
 * link works once and expires.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfTokenOf, LOGIN_LINK_TTL_MS, SESSION_TTL_MS } from '../../src/console/sessions.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { backends } from '../helpers/db.ts';
import { consoleRequest, sessionFor } from './helpers.ts';

/** The login page's cookie and the CSRF token its form carries. */
async function loginForm(t: TestApp, path = '/console/login') {
  const page = await consoleRequest(t, path);
  const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  return { cookie, csrf };
}

const sessionCookie = (res: Response) =>
  res.headers.getSetCookie().find((c) => c.startsWith('os_session=') && !c.startsWith('os_session=;'));

describe.each(backends)('console sessions on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  it('logs in with a valid token only, into an HttpOnly SameSite=Strict cookie, Secure over https', async () => {
    const form = await loginForm(t);
    const post = (token: string, url = '/console/login') =>
      consoleRequest(t, url, {
        headers: { cookie: form.cookie },
        form: { token, next: '/console/runs' },
        csrf: form.csrf,
      });
    const refused = await post('eyJhbGciOiJub25lIn0.e30.');
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('id="token-errors"');
    expect(sessionCookie(refused)).toBeUndefined();
    const notMember = await post(await t.tokens.issue({ userId: 'nobody', orgId: 'acme' }));
    expect(notMember.status).toBe(401);

    const res = await post(await t.tokenFor('alice', 'acme', 'author'));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/runs');
    const cookie = sessionCookie(res)!;
    expect(cookie).toMatch(/^os_session=[\w-]{43}; Max-Age=43200; Path=\/console; HttpOnly; SameSite=Strict$/);
    const plain = await consoleRequest(t, '/console/login');
    expect(plain.headers.get('set-cookie')).not.toContain('Secure');
    const secure = await t.app.request('https://skills.example.com/console/login');
    expect(secure.headers.get('set-cookie')).toContain('Secure');

    // The table holds a hash of the cookie's secret and ciphertext only.
    const secret = cookie.split(';')[0]!.split('=')[1]!;
    const rows = await t.db.query<{ id: string; token_ciphertext: Uint8Array }>('select * from console_sessions');
    for (const row of rows) {
      expect(row.id).not.toContain(secret);
      expect(Buffer.from(row.token_ciphertext).toString('latin1')).not.toContain('eyJ');
    }
    // A next that leaves the console is ignored (no open redirect).
    const away = await consoleRequest(t, '/console/login', {
      headers: { cookie: form.cookie },
      form: { token: await t.tokenFor(), next: '//evil.example/console' },
      csrf: form.csrf,
    });
    expect(away.headers.get('location')).toBe('/console');
  });

  it('ends a session at log-out: the old cookie no longer works', async () => {
    const session = await sessionFor(t, 'alice', 'acme', 'admin');
    expect((await consoleRequest(t, '/console', { session })).status).toBe(200);
    const out = await consoleRequest(t, '/console/logout', { session, form: {} });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^os_session=; Max-Age=0; Path=\/console/);
    expect((await consoleRequest(t, '/console', { session })).status).toBe(303);
  });

  it("ends a session when its token is revoked, and after the session's lifetime", async () => {
    const admin = { userId: 'alice', orgId: 'acme', role: 'admin' as const, tokenId: 't' };
    const issued = await t.app.services.apiTokens.issue(admin, { name: 'console', role: 'admin' });
    const secret = await t.app.services.sessions.open(issued.token);
    const session = { cookie: `os_session=${secret}`, csrf: csrfTokenOf(secret) };
    expect((await consoleRequest(t, '/console/skills', { session })).status).toBe(200);
    await t.app.services.apiTokens.revoke(admin, issued.id);
    const ended = await consoleRequest(t, '/console/skills', { session });
    expect(ended.status).toBe(303);
    expect(ended.headers.get('location')).toBe('/console/login?next=%2Fconsole%2Fskills&ended=1');
    expect(await t.app.services.sessions.tokenOf(secret)).toBeUndefined();

    const later = await sessionFor(t, 'alice', 'acme', 'admin');
    expect((await consoleRequest(t, '/console', { session: later })).status).toBe(200);
    t.clock.advance(SESSION_TTL_MS + 1000);
    expect((await consoleRequest(t, '/console', { session: later })).status).toBe(303);
  });

  it('redeems a one-time login link once, and not after it expires', async () => {
    const token = await t.tokenFor('alice', 'acme', 'admin');
    const code = await t.app.services.sessions.issueLoginLink(token);
    const form = await loginForm(t, `/console/login/link?code=${code}`);
    const redeem = (value: string) =>
      consoleRequest(t, '/console/login/link', {
        headers: { cookie: form.cookie },
        form: { code: value },
        csrf: form.csrf,
      });
    const first = await redeem(code);
    expect(first.status).toBe(303);
    expect(sessionCookie(first)).toBeDefined();
    const second = await redeem(code);
    expect(second.status).toBe(401);
    expect(await second.text()).toContain('unknown, used or expired');

    const late = await t.app.services.sessions.issueLoginLink(token);
    t.clock.advance(LOGIN_LINK_TTL_MS + 1000);
    expect((await redeem(late)).status).toBe(401);
    expect((await redeem('not-a-code')).status).toBe(401);
  });

  it('refuses a session whose cookie was tampered with', async () => {
    const session = await sessionFor(t, 'alice', 'acme', 'admin');
    const secret = session.cookie.split('=')[1]!;
    const flipped = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    expect((await consoleRequest(t, '/console', { headers: { cookie: `os_session=${flipped}` } })).status).toBe(303);
    expect((await consoleRequest(t, '/console', { headers: { cookie: 'os_session=../../etc' } })).status).toBe(303);
    await expect(t.app.services.sessions.tokenOf('x'.repeat(43))).resolves.toBeUndefined();
  });
});
