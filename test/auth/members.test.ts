import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { backends } from '../helpers/db.ts';

describe.each(backends)('members and roles on %s', (backend) => {
  let t: TestApp;
  /** A token without a role claim: it acts with the member's role. */
  const memberToken = (user: string, org = 'acme') => t.tokens.issue({ userId: user, orgId: org });
  const as = async (user: string) => ({ authorization: `Bearer ${await memberToken(user)}` });
  const put = (user: string, role: string, org = 'acme') =>
    t.request(`/orgs/${org}/members/${user}`, { method: 'PUT', json: { role } });

  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  it('adds, reads, lists and changes members (admin)', async () => {
    const added = await put('bob', 'author');
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ user_id: 'bob', role: 'author', updated_by: 'alice' });
    expect((await put('bob', 'author')).status).toBe(200);
    await put('carol', 'viewer');
    const got = await t.request('/orgs/acme/members/bob');
    expect(await got.json()).toMatchObject({ user_id: 'bob', role: 'author' });
    const first = await (await t.request('/orgs/acme/members?limit=1')).json();
    expect(first.data).toHaveLength(1);
    const second = await (await t.request(`/orgs/acme/members?limit=1&cursor=${first.next_cursor}`)).json();
    expect([first.data[0].user_id, second.data[0].user_id].sort()).toEqual(['bob', 'carol']);
    const viewers = await (await t.request('/orgs/acme/members?role=viewer')).json();
    expect(viewers.data.map((m: { user_id: string }) => m.user_id)).toEqual(['carol']);
    expect((await t.request('/orgs/acme/members/nobody')).status).toBe(404);
  });

  it("takes a member's role from the members table on every request, so a change applies at once", async () => {
    await put('dan', 'author');
    const headers = await as('dan');
    expect(await (await t.app.request('/me', { headers })).json()).toMatchObject({ user_id: 'dan', role: 'author' });
    const create = () =>
      t.app.request('/skills', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `by-dan-${Math.random().toString(36).slice(2, 8)}` }),
      });
    expect((await create()).status).toBe(201);
    await put('dan', 'viewer');
    expect((await (await t.app.request('/me', { headers })).json()).role).toBe('viewer');
    expect((await create()).status).toBe(403);
    expect((await t.request('/orgs/acme/members/dan', { method: 'DELETE' })).status).toBe(204);
    const removed = await t.app.request('/me', { headers });
    expect(removed.status).toBe(403);
    expect((await removed.json()).detail).toMatch(/not a member/);
  });

  it('removing a member revokes the API tokens issued to them', async () => {
    await put('erin', 'author');
    const issued = await (
      await t.request('/tokens', { method: 'POST', json: { name: 'erin-ci', user_id: 'erin', role: 'author' } })
    ).json();
    const headers = { authorization: `Bearer ${issued.token}` };
    expect((await t.app.request('/me', { headers })).status).toBe(200);
    expect((await t.request('/orgs/acme/members/erin', { method: 'DELETE' })).status).toBe(204);
    // Even after being added again, the old token stays revoked.
    await put('erin', 'author');
    const refused = await t.app.request('/me', { headers });
    expect(refused.status).toBe(401);
    expect((await refused.json()).detail).toMatch(/revoked/);
    const listed = await (await t.request('/tokens?user=erin')).json();
    expect(listed.data[0]).toMatchObject({ id: issued.id, status: 'revoked' });
  });

  it('never removes or demotes the last admin (409), and serialises concurrent demotions', async () => {
    await put('root', 'admin');
    const demote = await put('root', 'viewer');
    expect(demote.status).toBe(409);
    expect((await demote.json()).detail).toMatch(/last admin/);
    expect((await t.request('/orgs/acme/members/root', { method: 'DELETE' })).status).toBe(409);
    await put('root2', 'admin');
    const both = await Promise.all([put('root', 'author'), put('root2', 'author')]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const admins = await (await t.request('/orgs/acme/members?role=admin')).json();
    expect(admins.data).toHaveLength(1);
  });

  it('is for admins of the organisation: 403 for other roles, 404 for another organisation', async () => {
    expect((await t.request('/orgs/acme/members', { as: { role: 'publisher' } })).status).toBe(403);
    const bobAsAuthor = await t.app.request('/orgs/acme/members/carol', {
      method: 'PUT',
      headers: { ...(await as('bob')), 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'admin' }),
    });
    expect(bobAsAuthor.status).toBe(403);
    const outsider = { org: 'globex', user: 'mallory', role: 'admin' as const };
    expect((await t.request('/orgs/acme/members', { as: outsider })).status).toBe(404);
    expect((await t.request('/orgs/acme/members/bob', { method: 'DELETE', as: outsider })).status).toBe(404);
    const write = await t.request('/orgs/acme/members/mallory', {
      method: 'PUT',
      json: { role: 'admin' },
      as: outsider,
    });
    expect(write.status).toBe(404);
    expect((await t.request('/orgs/acme/members/bob')).status).toBe(200);
  });

  it('answers problem+json for bad input and oversized bodies', async () => {
    const bad = await put('frank', 'owner');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect((await bad.json()).errors[0].field).toBe('body.role');
    const huge = await t.request('/orgs/acme/members/frank', {
      method: 'PUT',
      json: { role: 'viewer', padding: 'x'.repeat(64 * 1024) },
    });
    expect(huge.status).toBe(413);
    expect((await t.request(`/orgs/acme/members/${'u'.repeat(300)}`)).status).toBe(400);
  });
});
