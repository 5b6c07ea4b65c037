import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { bundleForm, runnableSkill, zipOf } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';
import { codeSkill, type Json } from '../runs/helpers.ts';

interface Entry {
  actor: string;
  org_id: string;
  action: string;
  target_type: string;
  target_id: string | null;
  outcome: string;
  request_id: string | null;
  data: Json;
  created_at: string;
}

describe.each(backends)('audit trail on %s', (backend) => {
  let t: TestApp;
  /** What each audited call answered, with its request id. */
  const requests = new Map<string, string>();
  const act = async (label: string, path: string, init: Parameters<TestApp['request']>[1] = {}) => {
    const res = await t.request(path, init);
    if (res.status >= 300 && label !== 'denied') throw new Error(`${label}: ${res.status} ${await res.text()}`);
    requests.set(label, res.headers.get('x-request-id')!);
    return res.status === 204 ? undefined : ((await res.json()) as Json);
  };
  const audit = async (query = '', as?: { user?: string; org?: string; role?: 'admin' | 'publisher' }) => {
    const res = await t.request(`/audit${query}`, { as });
    return { status: res.status, body: (await res.json()) as { data: Entry[]; next_cursor: string | null } };
  };
  const all = async (query = '') => {
    const entries: Entry[] = [];
    let cursor = '';
    do {
      const { body } = await audit(`?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`);
      entries.push(...body.data);
      cursor = body.next_cursor ?? '';
    } while (cursor);
    return entries;
  };

  beforeAll(async () => {
    t = await createTestApp(backend);
    const created = await act('skill.create', '/skills', { method: 'POST', json: { name: 'audited' } });
    await act('skill.update', `/skills/${created.id}`, { method: 'PATCH', json: { description: 'Now described' } });
    await act('skill.delete', `/skills/${created.id}`, { method: 'DELETE' });
    const draft = await act('version.upload', '/skills', {
      method: 'POST',
      body: bundleForm(zipOf(runnableSkill('lifecycle'), 'lifecycle')),
    });
    await act('version.publish', `/skill-versions/${draft.version.id}/publish`, { method: 'POST' });
    await act('version.deprecate', `/skill-versions/${draft.version.id}/deprecate`, { method: 'POST' });
    await act('version.upload_published', '/skills', {
      method: 'POST',
      body: bundleForm(zipOf(codeSkill('slow', 'export default () => { for (;;) {} };'), 'slow'), { publish: 'true' }),
    });
    const started = await act('run.start', '/runs', {
      method: 'POST',
      json: { skill: 'slow', input: {}, async: true, timeout_ms: 20_000 },
    });
    await act('run.cancel', `/runs/${started.id}/cancel`, { method: 'POST' });
    await act('member.add', '/orgs/acme/members/bob', { method: 'PUT', json: { role: 'author' } });
    await act('member.role_change', '/orgs/acme/members/bob', { method: 'PUT', json: { role: 'viewer' } });
    await act('member.remove', '/orgs/acme/members/bob', { method: 'DELETE' });
    const token = await act('token.issue', '/tokens', { method: 'POST', json: { name: 'audited-token' } });
    await act('token.revoke', `/tokens/${token.id}`, { method: 'DELETE' });
    await act('secret.set', '/orgs/acme/secrets/AUDITED', { method: 'PUT', json: { value: 'audited-value' } });
    await act('secret.delete', '/orgs/acme/secrets/AUDITED', { method: 'DELETE' });
    await act('denied', '/skills', {
      method: 'POST',
      json: { name: 'by-viewer' },
      as: { user: 'vic', role: 'viewer' },
    });
    const bad = await t.app.request('/me', { headers: { authorization: 'Bearer not-a-token' } });
    requests.set('auth.refused', bad.headers.get('x-request-id')!);
  });
  afterAll(() => t.close());

  it('records every state change and run start with actor, target, request id and outcome', async () => {
    const entries = await all();
    const expected: [label: string, action: string, outcome: string][] = [
      ['skill.create', 'skill.create', 'success'],
      ['skill.update', 'skill.update', 'success'],
      ['skill.delete', 'skill.delete', 'success'],
      ['version.upload', 'version.upload', 'success'],
      ['version.upload', 'skill.create', 'success'],
      ['version.publish', 'version.publish', 'success'],
      ['version.deprecate', 'version.deprecate', 'success'],
      ['version.upload_published', 'version.upload_published', 'success'],
      ['run.start', 'run.start', 'success'],
      ['run.cancel', 'run.cancel', 'success'],
      ['member.add', 'member.add', 'success'],
      ['member.role_change', 'member.role_change', 'success'],
      ['member.remove', 'member.remove', 'success'],
      ['token.issue', 'token.issue', 'success'],
      ['token.revoke', 'token.revoke', 'success'],
      ['secret.set', 'secret.set', 'success'],
      ['secret.delete', 'secret.delete', 'success'],
      ['denied', 'request.denied', 'denied'],
    ];
    for (const [label, action, outcome] of expected) {
      const entry = entries.find((e) => e.action === action && e.request_id === requests.get(label));
      expect(entry, `${action} of ${label}`).toMatchObject({ org_id: 'acme', outcome });
      expect(entry!.actor).toBe(label === 'denied' ? 'vic' : 'alice');
    }
    const byAction = (action: string) => entries.find((e) => e.action === action)!;
    expect(byAction('member.role_change')).toMatchObject({
      target_id: 'bob',
      data: { role: 'viewer', previous_role: 'author' },
    });
    expect(byAction('secret.set')).toMatchObject({ target_type: 'secret', target_id: 'AUDITED' });
    expect(byAction('request.denied')).toMatchObject({ target_id: 'POST /skills', data: { path: '/skills' } });
    expect(byAction('run.start').data).toMatchObject({ skill: 'slow', async: true });
    expect(JSON.stringify(entries)).not.toContain('audited-value');
  });

  it('records refused logins, in no organisation when the token says none', async () => {
    const [row] = await t.db.query<{ org_id: string; actor_id: string; outcome: string }>(
      'select org_id, actor_id, outcome from audit_log where request_id = $1',
      [requests.get('auth.refused')],
    );
    expect(row).toEqual({ org_id: '', actor_id: 'anonymous', outcome: 'refused' });
  });

  it('filters by actor, action (or prefix), target, outcome and time, and pages with a cursor', async () => {
    // Issuing her own token made alice (until then an admin by her token's role claim) a member too.
    const members = await all('&action=member.*');
    expect(members.map((e) => `${e.action} ${e.target_id}`)).toEqual([
      'member.add alice',
      'member.remove bob',
      'member.role_change bob',
      'member.add bob',
    ]);
    expect((await all('&action=secret.set')).map((e) => e.target_id)).toEqual(['AUDITED']);
    expect((await all('&actor=vic')).map((e) => e.action)).toEqual(['request.denied']);
    expect((await all('&outcome=denied')).map((e) => e.actor)).toEqual(['vic']);
    expect((await all('&target=bob')).length).toBe(3);
    const everything = await all();
    const middle = everything[Math.floor(everything.length / 2)]!;
    const since = await all(`&since=${encodeURIComponent(middle.created_at)}`);
    const until = await all(`&until=${encodeURIComponent(middle.created_at)}`);
    expect(since.length + until.length).toBe(everything.length);
    const page = await audit('?limit=3');
    expect(page.body.data).toHaveLength(3);
    const next = await audit(`?limit=3&cursor=${page.body.next_cursor}`);
    expect(next.body.data[0]!.created_at <= page.body.data[2]!.created_at).toBe(true);
    expect(next.body.data.map((e) => e.request_id)).not.toContain(page.body.data[0]!.request_id);
  });

  it("is for admins, and an admin reads only their own organisation's trail", async () => {
    expect((await audit('', { user: 'pat', role: 'publisher' })).status).toBe(403);
    const other = await audit('', { user: 'mallory', org: 'globex', role: 'admin' });
    expect(other.status).toBe(200);
    expect(other.body.data.every((e) => e.org_id === 'globex')).toBe(true);
    expect((await audit('?since=yesterday')).status).toBe(400);
  });
});
