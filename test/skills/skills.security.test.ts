import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { bundleForm, runnableSkill, zipOf } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';

describe.each(backends)('registry access control on %s', (backend) => {
  let t: TestApp;
  let versionId: string;
  beforeAll(async () => {
    t = await createTestApp(backend);
    versionId = (await publishSkill(t, runnableSkill('acme-secret'), 'acme-secret')).version.id;
  });
  afterAll(() => t.close());

  it("a token for another org never reads this org's rows", async () => {
    const other = { org: 'globex', user: 'mallory', role: 'admin' as const };
    const paths = [
      '/skills/acme-secret',
      `/skill-versions/${versionId}`,
      `/skill-versions/${versionId}/content`,
      `/skill-versions/${versionId}/files/SKILL.md`,
      '/skills/acme-secret/versions',
      '/skills/acme-secret/prompt',
    ];
    for (const path of paths) {
      const res = await t.request(path, { as: other });
      expect(res.status, path).toBe(404);
    }
    const list = await (await t.request('/skills', { as: other })).json();
    expect(list.data).toEqual([]);
    expect((await t.request(`/skill-versions/${versionId}/deprecate`, { method: 'POST', as: other })).status).toBe(404);
    expect((await t.request('/skills/acme-secret', { method: 'DELETE', as: other })).status).toBe(404);
    // The same name is free in the other org.
    expect((await t.request('/skills', { method: 'POST', json: { name: 'acme-secret' }, as: other })).status).toBe(201);
  });

  it("serves an author's files so no browser runs them on this origin, and a malformed escape is a 404", async () => {
    const res = await t.request(`/skill-versions/${versionId}/files/SKILL.md`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const malformed = await t.request(`/skill-versions/${versionId}/files/scripts%E0%A4%A`);
    expect(malformed.status).toBe(404);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
  });

  it('"user" visibility hides a skill from the rest of the org', async () => {
    await t.request('/skills', {
      method: 'POST',
      json: { name: 'private-one', visibility: 'user' },
      as: { user: 'alice' },
    });
    expect((await t.request('/skills/private-one', { as: { user: 'alice' } })).status).toBe(200);
    expect((await t.request('/skills/private-one', { as: { user: 'bob', role: 'publisher' } })).status).toBe(404);
    // Admins see every skill of their organisation.
    expect((await t.request('/skills/private-one', { as: { user: 'bob', role: 'admin' } })).status).toBe(200);
  });

  it('roles: viewers read, authors upload drafts, publishers publish', async () => {
    const viewer = { user: 'vic', role: 'viewer' as const };
    const author = { user: 'ann', role: 'author' as const };
    expect((await t.request('/skills/acme-secret', { as: viewer })).status).toBe(200);
    const denied = await t.request('/skills', { method: 'POST', json: { name: 'by-viewer' }, as: viewer });
    expect(denied.status).toBe(403);
    expect((await denied.json()).detail).toMatch(/viewer.*needs "author"/);

    const draft = await t.request('/skills', {
      method: 'POST',
      body: bundleForm(zipOf(runnableSkill('by-author'), 'by-author')),
      as: author,
    });
    expect(draft.status).toBe(201);
    const id = (await draft.json()).version.id;
    const publishAsAuthor = await t.request('/skills', {
      method: 'POST',
      body: bundleForm(zipOf(runnableSkill('by-author2'), 'by-author2'), { publish: 'true' }),
      as: author,
    });
    expect(publishAsAuthor.status).toBe(403);
    expect((await t.request(`/skill-versions/${id}/publish`, { method: 'POST', as: author })).status).toBe(403);
    expect(
      (await t.request(`/skill-versions/${id}/publish`, { method: 'POST', as: { user: 'pat', role: 'publisher' } }))
        .status,
    ).toBe(200);
    // Another author cannot add versions to ann's skill or delete it.
    const intruder = await t.request('/skills/by-author/versions', {
      method: 'POST',
      body: bundleForm(zipOf(runnableSkill('by-author', '2.0.0'), 'by-author')),
      as: { user: 'eve', role: 'author' },
    });
    expect(intruder.status).toBe(403);
    expect(
      (await t.request('/skills/by-author', { method: 'DELETE', as: { user: 'eve', role: 'author' } })).status,
    ).toBe(403);
  });

  it('records who did what in the audit log', async () => {
    const rows = await t.db.query<{ action: string; actor_id: string }>(
      "select action, actor_id from audit_log where org_id = 'acme' order by created_at, id",
    );
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['skill.create', 'version.upload_published', 'version.publish']),
    );
  });
});
