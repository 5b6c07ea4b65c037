import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/caller.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { bundleForm, zipOf } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';
import { codeSkill, type Json } from '../runs/helpers.ts';

type As = { user: string; role: Role; org?: string };
const ann: As = { user: 'ann', role: 'author' };
const bob: As = { user: 'bob', role: 'author' };
const pat: As = { user: 'pat', role: 'publisher' };
const vic: As = { user: 'vic', role: 'viewer' };
const admin: As = { user: 'alice', role: 'admin' };
const outsider: As = { user: 'mallory', role: 'admin', org: 'globex' };

const WRITER =
  "export default async (_: any, ctx: any) => { await ctx.artifacts.write('out.txt', 'x'); return 'ok'; };";

describe.each(backends)('who sees what on %s', (backend) => {
  let t: TestApp;
  const get = async (path: string, as: As) => (await t.request(path, { as })).status;
  const json = async (path: string, as: As, init: { method?: string; json?: unknown } = {}) =>
    (await (await t.request(path, { ...init, as })).json()) as Json;
  const upload = async (name: string, as: As, fields: Record<string, string> = {}, code = WRITER) => {
    const res = await t.request('/skills', {
      method: 'POST',
      body: bundleForm(zipOf(codeSkill(name, code, { description: `The ${name} skill about ledgers` }), name), fields),
      as,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as Json;
  };
  const runAs = async (as: As, body: Record<string, unknown>) => {
    const res = await t.request('/runs', { method: 'POST', json: body, as });
    return { status: res.status, body: (await res.json()) as Json };
  };

  let privateSkill: Json;
  let privateRun: Json;
  let draft: Json;

  beforeAll(async () => {
    t = await createTestApp(backend);
    // ann's own skill, visible to her (and admins) only, published by an admin on her behalf.
    privateSkill = await upload('ann-private', admin, { visibility: 'user', publish: 'true' });
    await t.db.query("update skills set owner_id = 'ann' where id = $1", [privateSkill.skill.id]);
    privateRun = (await runAs(ann, { skill: 'ann-private', input: {} })).body;
    expect(privateRun.status).toBe('succeeded');
    // ann's draft of an org skill.
    draft = await upload('ann-draft', ann);
    await t.indexed();
  });
  afterAll(() => t.close());

  it("hides a member's user skill, its versions, files, prompt and runs from other members (404)", async () => {
    const versionId = privateSkill.version.id;
    const paths = [
      '/skills/ann-private',
      '/skills/ann-private/versions',
      '/skills/ann-private/prompt',
      '/skills/ann-private/runs',
      `/skill-versions/${versionId}`,
      `/skill-versions/${versionId}/files/SKILL.md`,
      `/skill-versions/${versionId}/content`,
      `/runs/${privateRun.id}`,
      `/runs/${privateRun.id}/events`,
      `/runs/${privateRun.id}/artifacts`,
      privateRun.artifacts[0].url,
    ];
    for (const path of paths) {
      for (const who of [bob, pat, vic]) expect(await get(path, who), `${path} as ${who.user}`).toBe(404);
      expect(await get(path, ann), `${path} as ann`).toBe(200);
      expect(await get(path, admin), `${path} as admin`).toBe(200);
    }
    for (const who of [bob, pat]) {
      const names = (await json('/skills', who)).data.map((s: Json) => s.name);
      expect(names).toContain('ann-draft');
      expect(names).not.toContain('ann-private');
      const found = await json('/skills/search', who, { method: 'POST', json: { query: 'ledgers', top_k: 50 } });
      expect(found.results.map((r: Json) => r.skill.name)).not.toContain('ann-private');
      const prompt = await (await t.request('/skills/prompt', { method: 'POST', json: {}, as: who })).text();
      expect(prompt).not.toContain('ann-private');
      expect((await runAs(who, { skill: 'ann-private', input: {} })).status).toBe(404);
      expect((await json('/runs', who)).data.map((r: Json) => r.id)).not.toContain(privateRun.id);
    }
    const annPrompt = await (await t.request('/skills/prompt', { method: 'POST', json: {}, as: ann })).text();
    expect(annPrompt).toContain('ann-private');
  });

  it('shows a draft to its uploader, publishers and admins only; viewers run published versions only', async () => {
    const id = draft.version.id;
    for (const who of [ann, pat, admin]) expect(await get(`/skill-versions/${id}`, who), who.user).toBe(200);
    for (const who of [bob, vic]) expect(await get(`/skill-versions/${id}`, who), who.user).toBe(404);
    expect((await json('/skills/ann-draft/versions', vic)).data).toEqual([]);
    const drafts = await json('/skills/search', bob, {
      method: 'POST',
      json: { query: 'ledgers', include_drafts: true, top_k: 50 },
    });
    expect(drafts.results.map((r: Json) => r.skill.name)).not.toContain('ann-draft');
    expect((await runAs(bob, { skill: 'ann-draft', version: '1.0.0', input: {} })).status).toBe(404);
    expect((await runAs(pat, { skill: 'ann-draft', version: '1.0.0', input: {} })).status).toBe(201);
    // ann, demoted to viewer, still sees her draft but may not run it.
    const demoted = await runAs({ user: 'ann', role: 'viewer' }, { skill: 'ann-draft', version: '1.0.0', input: {} });
    expect(demoted.status).toBe(403);
    expect(demoted.body.detail).toMatch(/run draft versions/);
  });

  it('lets a publisher read the runs of the skills they published, and members only their own runs', async () => {
    const published = await t.request(`/skill-versions/${draft.version.id}/publish`, { method: 'POST', as: pat });
    expect(published.status).toBe(200);
    const vicRun = (await runAs(vic, { skill: 'ann-draft', input: {} })).body;
    expect(vicRun.status).toBe('succeeded');
    expect(await get(`/runs/${vicRun.id}`, vic)).toBe(200);
    expect(await get(`/runs/${vicRun.id}`, pat)).toBe(200);
    expect(await get(vicRun.artifacts[0].url, pat)).toBe(200);
    expect(await get(`/runs/${vicRun.id}`, bob)).toBe(404);
    expect(await get(`/runs/${vicRun.id}`, { user: 'quinn', role: 'publisher' })).toBe(404);
    expect((await json('/skills/ann-draft/runs', pat)).data.map((r: Json) => r.id)).toContain(vicRun.id);
    expect((await json('/skills/ann-draft/runs', bob)).data).toEqual([]);
    const cancel = await t.request(`/runs/${vicRun.id}/cancel`, { method: 'POST', as: pat });
    expect(cancel.status).toBe(403);
  });

  it("refuses a composition that reaches another member's user skill", async () => {
    await upload(
      'calls-private',
      admin,
      { publish: 'true' },
      "export default (_: any, ctx: any) => ctx.callSkill('ann-private', {});",
    );
    const { body } = await runAs(bob, { skill: 'calls-private', input: {} });
    expect(body.status).toBe('failed');
    expect(body.error.message).toMatch(/Skill "ann-private" not found/);
  });

  it("never shows another organisation's skills, runs, search or prompt results", async () => {
    expect((await json('/skills', outsider)).data).toEqual([]);
    expect((await json('/runs', outsider)).data).toEqual([]);
    const found = await json('/skills/search', outsider, { method: 'POST', json: { query: 'ledgers skill' } });
    expect(found.results).toEqual([]);
    const selected = await json('/skills/select', outsider, { method: 'POST', json: { query: 'ledgers skill' } });
    expect(selected.skills).toEqual([]);
    const prompt = await (await t.request('/skills/prompt', { method: 'POST', json: {}, as: outsider })).text();
    expect(prompt).toBe('<available_skills>\n</available_skills>\n');
    const named = await t.request('/skills/prompt', { method: 'POST', json: { skills: ['ann-draft'] }, as: outsider });
    expect(named.status).toBe(404);
    expect(await get(`/skills/${privateSkill.skill.id}/runs`, outsider)).toBe(404);
    expect((await runAs(outsider, { skill: 'ann-draft', input: {} })).status).toBe(404);
  });
});
