import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { backends } from '../helpers/db.ts';

const DAY_MS = 24 * 3600 * 1000;

describe.each(backends)('API tokens on %s', (backend) => {
  let t: TestApp;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const issue = async (body: Record<string, unknown>, as?: NonNullable<Parameters<TestApp['request']>[1]>['as']) => {
    const res = await t.request('/tokens', { method: 'POST', json: body, as });
    return { status: res.status, body: await res.json() };
  };
  const meWith = async (token: string) => {
    const res = await t.app.request('/me', { headers: bearer(token) });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    t = await createTestApp(backend);
    // An admin member, so bob can be made admin and back (the last admin cannot be demoted).
    await t.request('/orgs/acme/members/root', { method: 'PUT', json: { role: 'admin' } });
    await t.request('/orgs/acme/members/bob', { method: 'PUT', json: { role: 'author' } });
  });
  afterAll(() => t.close());

  it('issues a named token once; it carries no role claim and is listed without the token', async () => {
    const { status, body } = await issue({ name: 'laptop' }, { user: 'bob', role: 'author' });
    expect(status).toBe(201);
    expect(body).toMatchObject({ name: 'laptop', user_id: 'bob', role: 'author', status: 'active', created_by: 'bob' });
    const payload = JSON.parse(Buffer.from(body.token.split('.')[1], 'base64url').toString());
    expect(payload).toMatchObject({ sub: 'bob', org: 'acme', jti: body.id });
    expect(payload.role).toBeUndefined();
    expect(new Date(body.expires_at).getTime() - new Date(body.created_at).getTime()).toBe(30 * DAY_MS);

    const me = await meWith(body.token);
    expect(me.body).toMatchObject({ user_id: 'bob', role: 'author', token_id: body.id });
    const listed = await (await t.request('/tokens', { as: { user: 'bob', role: 'author' } })).json();
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]).toMatchObject({ id: body.id, name: 'laptop', status: 'active' });
    expect(listed.data[0].last_used_at).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(body.token);
  });

  it('never gives a token more than its issuer has, nor someone else a token unless an admin asks', async () => {
    const higher = await issue({ name: 'x', role: 'admin' }, { user: 'bob', role: 'author' });
    expect(higher.status).toBe(403);
    const forOther = await issue({ name: 'x', user_id: 'carol', role: 'viewer' }, { user: 'bob', role: 'author' });
    expect(forOther.status).toBe(403);
    const noRole = await issue({ name: 'x', user_id: 'carol' });
    expect(noRole.status).toBe(400);
    expect(noRole.body.errors[0].field).toBe('body.role');
    const tooLong = await issue({ name: 'x', expires_in_days: 91 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.detail).toMatch(/at most 90 days/);
    expect((await issue({ name: '' })).status).toBe(400);
    const huge = await t.request('/tokens', { method: 'POST', json: { name: 'x'.repeat(32 * 1024) } });
    expect(huge.status).toBe(413);
  });

  it('makes the owner of an admin-issued token a member with its role; the token acts with min(member, cap)', async () => {
    const bot = await issue({ name: 'ci', user_id: 'ci-bot', role: 'publisher', expires_in_days: 7 });
    expect(bot.status).toBe(201);
    const member = await (await t.request('/orgs/acme/members/ci-bot')).json();
    expect(member).toMatchObject({ role: 'publisher', updated_by: 'alice' });
    expect((await meWith(bot.body.token)).body.role).toBe('publisher');

    // A cap above the member's role gives nothing more; a cap below it takes away.
    const capped = await issue({ name: 'wide', user_id: 'bob', role: 'admin' });
    expect((await meWith(capped.body.token)).body.role).toBe('author');
    const narrow = await issue({ name: 'narrow', user_id: 'bob', role: 'viewer' });
    expect((await meWith(narrow.body.token)).body.role).toBe('viewer');
    const create = await t.app.request('/skills', {
      method: 'POST',
      headers: { ...bearer(narrow.body.token), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'by-narrow-token' }),
    });
    expect(create.status).toBe(403);
    await t.request('/orgs/acme/members/bob', { method: 'PUT', json: { role: 'admin' } });
    expect((await meWith(capped.body.token)).body.role).toBe('admin');
    await t.request('/orgs/acme/members/bob', { method: 'PUT', json: { role: 'author' } });
    expect((await meWith(capped.body.token)).body.role).toBe('author');
  });

  it('revokes a token at once: own tokens by their owner, any by an admin, others not found', async () => {
    const own = await issue({ name: 'to-revoke' }, { user: 'bob', role: 'author' });
    const alices = await issue({ name: 'alices' });
    const asBob = { user: 'bob', role: 'author' as const };
    expect((await t.request(`/tokens/${alices.body.id}`, { method: 'DELETE', as: asBob })).status).toBe(404);
    expect((await t.request(`/tokens/${own.body.id}`, { method: 'DELETE', as: asBob })).status).toBe(204);
    const refused = await meWith(own.body.token);
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toMatch(/revoked/);
    expect((await t.request(`/tokens/${own.body.id}`, { method: 'DELETE', as: asBob })).status).toBe(204);
    expect((await t.request(`/tokens/${alices.body.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await meWith(alices.body.token)).status).toBe(401);
    const listed = await (await t.request('/tokens?user=alice')).json();
    expect(listed.data.find((x: { id: string }) => x.id === alices.body.id)).toMatchObject({ status: 'revoked' });
    const outsider = { org: 'globex', user: 'mallory', role: 'admin' as const };
    const other = await issue({ name: 'kept' });
    expect((await t.request(`/tokens/${other.body.id}`, { method: 'DELETE', as: outsider })).status).toBe(404);
    expect((await t.request('/tokens', { as: outsider }).then((r) => r.json())).data).toEqual([]);
    expect((await meWith(other.body.token)).status).toBe(200);
  });

  it('a revocation or a role change on one replica is in force on another within a second', async () => {
    // A second app on the same database: another replica, with its own caches.
    const replica = createApp({ db: t.db, clock: t.clock, logger: t.logs.logger, tokens: t.tokens });
    const issued = await issue({ name: 'replicated', user_id: 'bob', role: 'author' });
    const onReplica = () => replica.request('/me', { headers: bearer(issued.body.token) });
    expect((await onReplica()).status).toBe(200);
    expect((await t.request(`/tokens/${issued.body.id}`, { method: 'DELETE' })).status).toBe(204);
    t.clock.advance(1000);
    expect((await onReplica()).status).toBe(401);

    const member = await issue({ name: 'member-role', user_id: 'bob', role: 'admin' });
    const role = async () => (await (await replica.request('/me', { headers: bearer(member.body.token) })).json()).role;
    expect(await role()).toBe('author');
    await t.request('/orgs/acme/members/bob', { method: 'PUT', json: { role: 'viewer' } });
    t.clock.advance(1000);
    expect(await role()).toBe('viewer');
    await t.request('/orgs/acme/members/bob', { method: 'PUT', json: { role: 'author' } });
  });

  it('refuses an API token once it has expired', async () => {
    const short = await issue({ name: 'short', expires_in_days: 1 });
    expect((await meWith(short.body.token)).status).toBe(200);
    t.clock.advance(DAY_MS + 1000);
    const expired = await meWith(short.body.token);
    expect(expired.status).toBe(401);
    expect(expired.body.detail).toMatch(/expired/);
    const listed = await (await t.request('/tokens?user=alice')).json();
    expect(listed.data.find((x: { id: string }) => x.id === short.body.id).status).toBe('expired');
  });
});
