import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { backends } from '../helpers/db.ts';
import { codeSkill, type Json, run } from './helpers.ts';

describe.each(backends)('runs security on %s', (backend) => {
  let t: TestApp;
  let runId: string;
  let artifactUrl: string;
  beforeAll(async () => {
    t = await createTestApp(backend);
    await publishSkill(
      t,
      codeSkill(
        'org-a-skill',
        "export default async (_: any, ctx: any) => { await ctx.artifacts.write('a.txt', 'secret'); return 1; };",
      ),
      'org-a-skill',
    );
    const { body } = await run(t, { skill: 'org-a-skill', input: {} });
    expect(body.status).toBe('succeeded');
    runId = body.id;
    artifactUrl = body.artifacts[0].url;
  });
  afterAll(() => t.close());

  it('answers 401 without a token', async () => {
    for (const [method, path] of [
      ['POST', '/runs'],
      ['GET', `/runs/${runId}`],
      ['GET', `/runs/${runId}/events`],
      ['GET', artifactUrl],
      ['PUT', '/secrets/X'],
    ]) {
      expect((await t.app.request(path!, { method })).status, `${method} ${path}`).toBe(401);
    }
  });

  it("hides one org's runs and artifacts from another (404, not 403)", async () => {
    const other = { org: 'globex', user: 'bob', role: 'admin' as const };
    for (const path of [`/runs/${runId}`, `/runs/${runId}/artifacts`, `/runs/${runId}/events`, artifactUrl]) {
      expect((await t.request(path, { as: other })).status, path).toBe(404);
    }
    expect((await t.request(`/runs/${runId}/cancel`, { method: 'POST', as: other })).status).toBe(404);
    const listed = (await (await t.request('/runs', { as: other })).json()) as Json;
    expect(listed.data).toEqual([]);
    // Nor can it run the other org's skill.
    expect((await run(t, { skill: 'org-a-skill', input: {} }, other)).status).toBe(404);
  });

  it("lets a viewer run published skills and read their own runs, not another member's", async () => {
    const viewer = { user: 'vera', role: 'viewer' as const };
    expect((await t.request(`/runs/${runId}`, { as: viewer })).status).toBe(404);
    expect((await t.request(artifactUrl, { as: viewer })).status).toBe(404);
    const own = await run(t, { skill: 'org-a-skill', input: {} }, viewer);
    expect(own.status).toBe(201);
    expect((await t.request(`/runs/${own.body.id}`, { as: viewer })).status).toBe(200);
    expect((await t.request(own.body.artifacts[0].url, { as: viewer })).status).toBe(200);
    const listed = (await (await t.request('/runs', { as: viewer })).json()) as Json;
    expect(listed.data.map((r: Json) => r.id)).toEqual([own.body.id]);
  });
});
