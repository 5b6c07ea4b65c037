/**
 * Every console POST route: a body limit, a session, a CSRF token from this site, and another organisation's things
 * not found; a viewer refused every authoring and admin action; every page behind the session with a strict CSP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { runnableSkill, skillMd, zipOf } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';
import { type ConsoleSession, consoleRequest, sessionFor } from './helpers.ts';

const KB = 1024;
const MB = 1024 * KB;

/** Each POST route of the console with its body limit (the path's ids are filled in once they exist). */
const POST_ROUTES: [string, number][] = [
  ['/console/logout', 16 * KB],
  ['/console/skills/new', 32 * MB],
  ['/console/skills/writer/upload', 32 * MB],
  ['/console/skills/writer/details', 16 * KB],
  ['/console/skills/writer/versions', 2 * MB],
  ['/console/skills/writer/run', 32 * MB],
  ['/console/versions/VERSION/publish', 16 * KB],
  ['/console/versions/VERSION/deprecate', 16 * KB],
  ['/console/admin/members', 16 * KB],
  ['/console/admin/members/remove', 16 * KB],
  ['/console/admin/tokens', 16 * KB],
  ['/console/admin/tokens/revoke', 16 * KB],
  ['/console/admin/secrets', 12 * 64 * KB + 4 * KB],
  ['/console/admin/secrets/delete', 16 * KB],
];

const WRITER = {
  'SKILL.md': skillMd({
    name: 'writer',
    description: 'Writes a file',
    version: '1.0.0',
    entrypoint: 'scripts/main.js',
  }),
  'scripts/main.js':
    "export default async (input, ctx) => { await ctx.artifacts.write('a.txt', 'hi', { mimeType: 'text/plain' }); return { ok: true }; };",
};

describe.each(backends)('console routes on %s', (backend) => {
  let t: TestApp;
  let alice: ConsoleSession;
  let vic: ConsoleSession;
  let mallory: ConsoleSession;
  const ids = { version: '', run: '', artifact: '', token: '' };
  const route = (path: string) => path.replace('VERSION', ids.version);

  beforeAll(async () => {
    t = await createTestApp(backend);
    const uploaded = await publishSkill(t, WRITER, 'writer');
    ids.version = uploaded.version.id;
    const run = (await (await t.request('/runs', { method: 'POST', json: { skill: 'writer', input: {} } })).json()) as {
      id: string;
      artifacts: { id: string }[];
    };
    ids.run = run.id;
    ids.artifact = run.artifacts[0]!.id;
    await t.request('/orgs/acme/secrets/ACME_SECRET', { method: 'PUT', json: { value: 'acme-only' } });
    const token = await t.request('/tokens', { method: 'POST', json: { name: 'bob', user_id: 'bob', role: 'author' } });
    ids.token = ((await token.json()) as { id: string }).id;
    alice = await sessionFor(t, 'alice', 'acme', 'admin');
    vic = await sessionFor(t, 'vic', 'acme', 'viewer');
    mallory = await sessionFor(t, 'mallory', 'other', 'admin');
  });
  afterAll(() => t.close());

  it('refuses a POST without a session (401), without the CSRF token or from another site (403)', async () => {
    for (const [path] of POST_ROUTES) {
      const url = route(path);
      expect((await consoleRequest(t, url, { form: { x: '1' } })).status, url).toBe(401);
      expect((await consoleRequest(t, url, { session: alice, form: { x: '1' }, csrf: null })).status, url).toBe(403);
      const forged = await consoleRequest(t, url, { session: alice, form: { x: '1' }, csrf: mallory.csrf });
      expect(forged.status, url).toBe(403);
      const crossSite = await consoleRequest(t, url, {
        session: alice,
        form: { x: '1' },
        headers: { 'sec-fetch-site': 'cross-site' },
      });
      expect(crossSite.status, url).toBe(403);
      const otherOrigin = await consoleRequest(t, url, {
        session: alice,
        form: { x: '1' },
        headers: { origin: 'https://evil.example' },
      });
      expect(otherOrigin.status, url).toBe(403);
    }
    // The login forms have no session: their token comes from the login page's own cookie.
    for (const path of ['/console/login', '/console/login/link']) {
      expect((await consoleRequest(t, path, { form: { token: 'x' }, csrf: 'x' })).status).toBe(403);
    }
  });

  it('refuses a body past each route its limit (413) before reading it', async () => {
    for (const [path, limit] of POST_ROUTES) {
      const big = new File([new Uint8Array(limit + 1)], 'big.bin');
      const res = await consoleRequest(t, route(path), { session: alice, form: { big } });
      expect(res.status, path).toBe(413);
      expect(await res.text()).toContain('Too large');
    }
    for (const path of ['/console/login', '/console/login/link']) {
      const res = await consoleRequest(t, path, { form: { big: new File([new Uint8Array(16 * KB + 1)], 'b') } });
      expect(res.status, path).toBe(413);
    }
  });

  it("finds nothing of another organisation's, and changes nothing there", async () => {
    const bundle = new File([zipOf(WRITER, 'writer') as Uint8Array<ArrayBuffer>], 'writer.zip');
    const posts: [string, Record<string, string | File>][] = [
      ['/console/skills/writer/details', { description: 'taken over', tags: '', visibility: 'org' }],
      ['/console/skills/writer/upload', { bundle, version: '9.9.9' }],
      ['/console/skills/writer/versions', { base: ids.version, skill_md: WRITER['SKILL.md'], version: '9.9.9' }],
      ['/console/skills/writer/run', { version_id: ids.version }],
      [`/console/versions/${ids.version}/publish`, {}],
      [`/console/versions/${ids.version}/deprecate`, {}],
      ['/console/admin/members/remove', { user: 'alice' }],
      ['/console/admin/tokens/revoke', { id: ids.token }],
      ['/console/admin/secrets/delete', { name: 'ACME_SECRET' }],
    ];
    for (const [path, form] of posts) {
      expect((await consoleRequest(t, path, { session: mallory, form })).status, path).toBe(404);
    }
    for (const path of [
      '/console/skills/writer',
      `/console/runs/${ids.run}`,
      `/console/runs/${ids.run}/panel`,
      `/console/runs/${ids.run}/events`,
      `/console/artifacts/${ids.artifact}`,
      `/console/versions/${ids.version}/download`,
    ]) {
      expect((await consoleRequest(t, path, { session: mallory })).status, path).toBe(404);
    }
    // Admin forms act in the admin's own organisation only.
    await consoleRequest(t, '/console/admin/members', { session: mallory, form: { user: 'alice', role: 'viewer' } });
    await consoleRequest(t, '/console/admin/secrets', { session: mallory, form: { name: 'ACME_SECRET', value: 'x' } });
    const skill = (await (await t.request('/skills/writer')).json()) as { description: string };
    expect(skill.description).toBe('Writes a file');
    const versions = (await (await t.request('/skills/writer/versions')).json()) as { data: { status: string }[] };
    expect(versions.data.map((v) => v.status)).toEqual(['published']);
    const tokens = (await (await t.request('/tokens?user=bob')).json()) as { data: { status: string }[] };
    expect(tokens.data.map((tk) => tk.status)).toEqual(['active']);
    const secrets = (await (await t.request('/orgs/acme/secrets')).json()) as { data: { updated_at: string }[] };
    expect(secrets.data).toHaveLength(1);
    const members = await t.db.query<{ org_id: string; role: string }>(
      "select org_id, role from skill_permissions where user_id = 'alice' order by org_id",
    );
    expect(members).toEqual([{ org_id: 'other', role: 'viewer' }]);
  });

  it('refuses a viewer every authoring and admin action, and records the refusals', async () => {
    const bundle = new File([zipOf(runnableSkill('mine'), 'mine') as Uint8Array<ArrayBuffer>], 'mine.zip');
    const posts: [string, Record<string, string | File>][] = [
      ['/console/skills/new', { bundle }],
      [
        '/console/skills/writer/upload',
        { bundle: new File([zipOf(WRITER, 'writer') as Uint8Array<ArrayBuffer>], 'w.zip') },
      ],
      ['/console/skills/writer/details', { description: 'mine', tags: '', visibility: 'org' }],
      ['/console/skills/writer/versions', { base: ids.version, skill_md: WRITER['SKILL.md'], version: '2.0.0' }],
      [`/console/versions/${ids.version}/deprecate`, {}],
      ['/console/admin/members', { user: 'vic', role: 'admin' }],
      ['/console/admin/tokens', { name: 'up', role: 'admin' }],
      ['/console/admin/secrets', { name: 'MINE', value: 'x' }],
    ];
    for (const [path, form] of posts) {
      const res = await consoleRequest(t, path, { session: vic, form });
      expect(res.status, path).toBe(403);
    }
    for (const path of ['/console/skills/new', '/console/admin', '/console/admin/tokens', '/console/admin/audit']) {
      expect((await consoleRequest(t, path, { session: vic })).status, path).toBe(403);
    }
    const audit = (await (await t.request('/audit?actor=vic&outcome=denied&limit=100')).json()) as {
      data: { action: string; target_id: string }[];
    };
    expect(audit.data.length).toBeGreaterThanOrEqual(posts.length);
    expect(audit.data.map((e) => e.action)).toContain('request.denied');
  });

  it('puts every page behind the session, with a CSP that allows no inline script', async () => {
    expect((await t.app.request('/')).headers.get('location')).toBe('/console');
    for (const path of [
      '/console',
      '/console/skills',
      '/console/skills/writer',
      '/console/runs',
      `/console/runs/${ids.run}`,
    ]) {
      const anonymous = await consoleRequest(t, path);
      expect(anonymous.status, path).toBe(303);
      expect(anonymous.headers.get('location')).toBe(`/console/login?next=${encodeURIComponent(path)}`);
      const res = await consoleRequest(t, path, { session: alice });
      expect(res.status, path).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(await res.text()).not.toMatch(/<script(?![^>]*\ssrc=)/);
    }
    const css = await consoleRequest(t, '/console/assets/console.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('cache-control')).toContain('immutable');
    const again = await consoleRequest(t, '/console/assets/console.css', {
      headers: { 'if-none-match': css.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    expect((await consoleRequest(t, '/console/assets/htmx.min.js')).headers.get('content-type')).toContain(
      'javascript',
    );
    expect((await consoleRequest(t, '/console/assets/..%2Fpackage.json')).status).toBe(404);
  });

  it('serves artifact previews inline only for images, and never as a page', async () => {
    const res = await consoleRequest(t, `/console/artifacts/${ids.artifact}?inline=1`, { session: alice });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hi');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
