import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/caller.ts';
import type { Database } from '../../src/db/database.ts';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { bundleForm, zipOf } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';
import { codeSkill, type Json } from '../runs/helpers.ts';

const VALUE = 'sk-live-Zq8v3Xy7Pw2Lm9Qr';
/** Forms a skill may print the value in, none of which may be stored or shown. */
const FORMS = [VALUE, Buffer.from(VALUE).toString('base64').replace(/=+$/, ''), encodeURIComponent(`x${VALUE}`)];

/** Every text, JSON, bytea (or other) column of every table, searched for `needle`: the rows that hold it. */
async function storedCopies(db: Database, needle: string): Promise<string[]> {
  const columns = await db.query<{ table_name: string; column_name: string; data_type: string }>(
    `select table_name, column_name, data_type from information_schema.columns
     where table_schema = current_schema() and table_name in (
       select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE')`,
  );
  expect(columns.length).toBeGreaterThan(50);
  const found: string[] = [];
  for (const { table_name, column_name, data_type } of columns) {
    const column = `"${column_name}"`;
    const test =
      data_type === 'bytea'
        ? `position(convert_to($1, 'UTF8') in ${column}) > 0`
        : `position($1 in ${column}::text) > 0`;
    const [row] = await db.query<{ n: number }>(`select count(*)::int as n from "${table_name}" where ${test}`, [
      needle,
    ]);
    if (row!.n > 0) found.push(`${table_name}.${column_name}`);
  }
  return found;
}

// The leak a review found: an author uploads a draft declaring the org's secrets and runs it. It must get nothing,
// and whatever approved code does with a secret (log it, throw it, return it, name a file after it, pass it to a
// child), the value is never stored or shown.
const LEAKY = `
export default async (input: { fail?: boolean }, ctx: any) => {
  const v: string = ctx.secrets.API_KEY;
  console.log('key is', v);
  ctx.log('as base64 ' + btoa(v) + ' and url ' + encodeURIComponent('x' + v));
  await ctx.artifacts.write('file-' + v + '.txt', 'content', { mimeType: 'text/plain; note=' + v });
  const child = await ctx.callSkill('echo', { v });
  if (input.fail) throw new Error('boom ' + v);
  return { v, child, names: Object.keys(ctx.secrets), length: v.length, reversed: v.split('').reverse().join('') };
};`;

describe.each(backends)('secrets on %s', (backend) => {
  let t: TestApp;
  const seen: string[] = [];
  const ann = { user: 'ann', role: 'author' as const };
  const pat = { user: 'pat', role: 'publisher' as const };
  /** `t.request` that keeps every answer's text, to search them all at the end. */
  const call = async (path: string, init: Parameters<TestApp['request']>[1] = {}) => {
    const res = await t.request(path, init);
    const text = await res.text();
    seen.push(text);
    return { status: res.status, text, json: () => JSON.parse(text) as Json };
  };
  const runAs = async (as: { user: string; role: Role }, body: Record<string, unknown>) => {
    const res = await call('/runs', { method: 'POST', json: body, as });
    expect(res.status).toBe(201);
    return res.json();
  };

  beforeAll(async () => {
    t = await createTestApp(backend);
    await publishSkill(t, codeSkill('echo', 'export default (i: any) => ({ echoed: i.v });'), 'echo');
  });
  afterAll(() => t.close());

  it('stores a secret write-only under /orgs/{org}/secrets, with the legacy /secrets routes as aliases', async () => {
    const put = await call('/orgs/acme/secrets/API_KEY', { method: 'PUT', json: { value: VALUE } });
    expect(put.status).toBe(200);
    expect(put.json()).toMatchObject({ name: 'API_KEY', last_used_at: null });
    const listed = await call('/orgs/acme/secrets');
    expect(listed.json().data.map((s: Json) => s.name)).toEqual(['API_KEY']);
    expect((await call('/secrets')).json()).toEqual(listed.json());
    expect((await call('/secrets/OLD', { method: 'PUT', json: { value: 'old-value' } })).status).toBe(200);
    expect((await call('/orgs/acme/secrets/OLD', { method: 'DELETE' })).status).toBe(204);
    expect((await call('/secrets/OLD', { method: 'DELETE' })).status).toBe(404);
    const tooLong = await call('/orgs/acme/secrets/BIG', { method: 'PUT', json: { value: 'x'.repeat(64 * 1024 + 1) } });
    expect(tooLong.status).toBe(400);
    const tooBig = await call('/orgs/acme/secrets/BIG', { method: 'PUT', json: { value: 'x'.repeat(512 * 1024) } });
    expect(tooBig.status).toBe(413);
    expect((await call('/orgs/acme/secrets/bad-name', { method: 'PUT', json: { value: 'x' } })).status).toBe(400);
  });

  it('keeps secrets to admins of their organisation (403 for members, 404 for other organisations)', async () => {
    expect((await call('/orgs/acme/secrets', { as: pat })).status).toBe(403);
    expect((await call('/orgs/acme/secrets/API_KEY', { method: 'PUT', json: { value: 'x' }, as: pat })).status).toBe(
      403,
    );
    const outsider = { org: 'globex', user: 'mallory', role: 'admin' as const };
    expect((await call('/orgs/acme/secrets', { as: outsider })).status).toBe(404);
    expect((await call('/orgs/acme/secrets/API_KEY', { method: 'DELETE', as: outsider })).status).toBe(404);
    expect(
      (await call('/orgs/acme/secrets/API_KEY', { method: 'PUT', json: { value: 'x' }, as: outsider })).status,
    ).toBe(404);
    expect((await call('/secrets', { as: outsider })).json().data).toEqual([]);
    expect((await call('/secrets/API_KEY', { method: 'DELETE', as: outsider })).status).toBe(404);
  });

  it("gives an author's draft the declared names with empty values, and says why in the run's log", async () => {
    const upload = await t.request('/skills', {
      method: 'POST',
      body: bundleForm(zipOf(codeSkill('leaky', LEAKY, { secrets: ['API_KEY'] }), 'leaky')),
      as: ann,
    });
    expect(upload.status).toBe(201);
    const run = await runAs(ann, { skill: 'leaky', version: '1.0.0', input: {} });
    expect(run.status).toBe('succeeded');
    expect(run.output).toMatchObject({ v: '', names: ['API_KEY'], length: 0, child: { echoed: '' } });
    expect(run.logs[0]).toMatchObject({ level: 'warn' });
    expect(run.logs[0].message).toMatch(/secrets API_KEY are empty: leaky 1\.0\.0 is a draft/);
    const [secret] = (await call('/orgs/acme/secrets')).json().data;
    expect(secret.last_used_at).toBeNull();
  });

  it('gives the value to a publisher running the draft, and redacts it from everything the run produced', async () => {
    const run = await runAs(pat, { skill: 'leaky', version: '1.0.0', input: {} });
    expect(run.status).toBe('succeeded');
    // The skill had the value (its length and its reverse prove it); the record shows none of its forms.
    expect(run.output).toMatchObject({
      v: '[REDACTED]',
      child: { echoed: '[REDACTED]' },
      length: VALUE.length,
      reversed: VALUE.split('').reverse().join(''),
    });
    expect(run.logs.map((l: Json) => l.message)).toEqual([
      'key is [REDACTED]',
      'as base64 [REDACTED] and url x[REDACTED]',
    ]);
    expect(run.artifacts[0]).toMatchObject({ name: 'file-[REDACTED].txt', mime_type: 'text/plain; note=[REDACTED]' });
    const children = (await call(`/runs?parent_run_id=${run.id}`, { as: pat })).json();
    expect(children.data[0]).toMatchObject({ input: { v: '[REDACTED]' }, output: { echoed: '[REDACTED]' } });
    const events = await call(`/runs/${run.id}/events`, { as: pat });
    expect(events.text).toContain('[REDACTED]');
    const failed = await runAs(pat, { skill: 'leaky', version: '1.0.0', input: { fail: true } });
    expect(failed.status).toBe('failed');
    expect(failed.error.message).toBe('boom [REDACTED]');
    expect(failed.error.stack).toContain('boom [REDACTED]');
    await call(`/runs/${failed.id}/events`, { as: pat });
    await call(`/runs/${run.id}/artifacts`, { as: pat });
    const [secret] = (await call('/orgs/acme/secrets')).json().data;
    expect(secret.last_used_at).not.toBeNull();
  });

  it('gives the value to every run of the version once a publisher has published it', async () => {
    const version = (await call('/skills/leaky/versions', { as: pat })).json().data[0];
    expect((await call(`/skill-versions/${version.id}/publish`, { method: 'POST', as: pat })).status).toBe(200);
    const byAuthor = await runAs(ann, { skill: 'leaky', input: {} });
    expect(byAuthor.output).toMatchObject({ v: '[REDACTED]', length: VALUE.length });
    const byViewer = await runAs({ user: 'vic', role: 'viewer' }, { skill: 'leaky', input: {} });
    expect(byViewer.output.length).toBe(VALUE.length);
    expect(byViewer.logs.map((l: Json) => l.message).join('\n')).not.toMatch(/are empty/);
  });

  it('never shows or stores the value: every answer, every log line, every column of every table', async () => {
    await call('/runs', { as: pat });
    await call('/audit');
    for (const form of FORMS) {
      expect(
        seen.filter((text) => text.includes(form)),
        form,
      ).toEqual([]);
      expect(JSON.stringify(t.logs.lines)).not.toContain(form);
      expect(await storedCopies(t.db, form), form).toEqual([]);
    }
    // The search is real: the reversed value, which is not a secret, is found where the runs stored it.
    expect(await storedCopies(t.db, VALUE.split('').reverse().join(''))).toContain('skill_runs.output_json');
  });
});
