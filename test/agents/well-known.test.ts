/**
 * `public` visibility and the well-known skills index: who may make a skill public, and that the index (no token)
 * serves the latest published version of public skills, with digests that match the bytes, and nothing else.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/caller.ts';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { bundleForm, runnableSkill, zipOf } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';
import type { Json } from '../runs/helpers.ts';

type As = { user: string; role: Role; org?: string };
const ann: As = { user: 'ann', role: 'author' };
const pat: As = { user: 'pat', role: 'publisher' };

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe.each(backends)('the well-known skills index on %s', (backend) => {
  let t: TestApp;
  const patch = (skill: string, body: unknown, as?: As) =>
    t.request(`/skills/${skill}`, { method: 'PATCH', json: body, as });
  const anonymous = (path: string, init: RequestInit = {}) => t.app.request(path, init);
  const makePublic = async (name: string) => expect((await patch(name, { visibility: 'public' })).status).toBe(200);

  beforeAll(async () => {
    t = await createTestApp(backend);
    await publishSkill(t, { ...runnableSkill('open-one', '1.0.0'), 'references/guide.md': '# Guide\n' }, 'open-one');
    await makePublic('open-one');
    // A newer version: the index serves it, not 1.0.0; a later draft is never served.
    const res = await t.request('/skills/open-one/versions', {
      method: 'POST',
      body: bundleForm(zipOf(runnableSkill('open-one', '1.1.0'), 'open-one'), { publish: 'true' }),
    });
    expect(res.status).toBe(201);
    await t.request('/skills/open-one/versions', {
      method: 'POST',
      body: bundleForm(zipOf({ ...runnableSkill('open-one', '2.0.0'), 'draft-only.txt': 'x' }, 'open-one')),
    });
    await publishSkill(t, runnableSkill('org-only'), 'org-only');
    await publishSkill(t, runnableSkill('draft-public'), 'draft-public', false);
    await makePublic('draft-public');
    await publishSkill(t, runnableSkill('gone-public'), 'gone-public');
    await makePublic('gone-public');
    expect((await t.request('/skills/gone-public', { method: 'DELETE' })).status).toBe(204);
    // Another organisation's public skill is in its own index only.
    const globex = { user: 'gina', org: 'globex', role: 'admin' as const };
    const other = await t.request('/skills', {
      method: 'POST',
      body: bundleForm(zipOf(runnableSkill('globex-open'), 'globex-open'), { publish: 'true', visibility: 'public' }),
      as: globex,
    });
    expect(other.status).toBe(201);
  });
  afterAll(() => t.close());

  it('lets publishers and admins make a skill public, not authors, not even the owner', async () => {
    const created = await t.request('/skills', { method: 'POST', json: { name: 'anns-skill' }, as: ann });
    expect(created.status).toBe(201);
    const refused = await patch('anns-skill', { visibility: 'public' }, ann);
    expect(refused.status).toBe(403);
    expect((await refused.json()).detail).toContain('make skills public');
    expect((await patch('anns-skill', { visibility: 'org' }, ann)).status).toBe(200);
    const byAuthor = await t.request('/skills', {
      method: 'POST',
      json: { name: 'ann-public', visibility: 'public' },
      as: ann,
    });
    expect(byAuthor.status).toBe(403);
    const byPublisher = await patch('anns-skill', { visibility: 'public' }, pat);
    expect(byPublisher.status).toBe(200);
    expect(((await byPublisher.json()) as Json).visibility).toBe('public');
    // Members of the organisation see a public skill like an org skill.
    expect((await t.request('/skills/anns-skill', { as: { user: 'vic', role: 'viewer' } })).status).toBe(200);
    const listed = (await (await t.request('/skills?visibility=public')).json()) as Json;
    expect(listed.data.map((s: Json) => s.name).sort()).toEqual(['anns-skill', 'draft-public', 'open-one']);
  });

  it('serves the latest published version of public skills without a token, digests matching the bytes', async () => {
    const res = await anonymous('/orgs/acme/.well-known/agent-skills/index.json');
    expect(res.status).toBe(200);
    const index = (await res.json()) as Json;
    expect(index.skills.map((s: Json) => s.name)).toEqual(['open-one']);
    const [skill] = index.skills;
    expect(skill.version).toBe('1.1.0');
    expect(skill.description).toBe('The open-one skill, for tests');
    expect(skill.files).toEqual(['SKILL.md', 'resources/data.txt', 'scripts/main.ts']);
    for (const path of skill.files) {
      for (const root of ['agent-skills', 'skills']) {
        const file = await anonymous(`/orgs/acme/.well-known/${root}/open-one/${path}`);
        expect(file.status, path).toBe(200);
        expect(file.headers.get('content-security-policy')).toContain('sandbox');
        const bytes = new Uint8Array(await file.arrayBuffer());
        expect(sha256(bytes)).toBe(skill.digests[path]);
      }
    }
    const skillMd = await (await anonymous('/orgs/acme/.well-known/agent-skills/open-one/SKILL.md')).text();
    expect(skillMd).toContain('version: "1.1.0"');
    const legacy = (await (await anonymous('/orgs/acme/.well-known/skills/index.json')).json()) as Json;
    expect(legacy).toEqual(index);
    const etag = (await anonymous('/orgs/acme/.well-known/agent-skills/open-one/SKILL.md')).headers.get('etag')!;
    const cached = await anonymous('/orgs/acme/.well-known/agent-skills/open-one/SKILL.md', {
      headers: { 'if-none-match': etag },
    });
    expect(cached.status).toBe(304);
  });

  it('never serves anything private: org and user skills, drafts, deleted skills, other files, other orgs', async () => {
    const missing = [
      '/orgs/acme/.well-known/agent-skills/org-only/SKILL.md',
      '/orgs/acme/.well-known/agent-skills/draft-public/SKILL.md',
      '/orgs/acme/.well-known/agent-skills/gone-public/SKILL.md',
      '/orgs/acme/.well-known/agent-skills/open-one/draft-only.txt',
      '/orgs/acme/.well-known/agent-skills/open-one/../org-only/SKILL.md',
      '/orgs/acme/.well-known/agent-skills/open-one/%2e%2e/org-only/SKILL.md',
      '/orgs/acme/.well-known/agent-skills/open-one/%E0%A4%A',
      '/orgs/acme/.well-known/agent-skills/open-one',
      '/orgs/acme/.well-known/agent-skills/globex-open/SKILL.md',
      '/orgs/globex/.well-known/agent-skills/open-one/SKILL.md',
      `/orgs/acme/.well-known/agent-skills/open-one/${'a/'.repeat(600)}`,
      `/orgs/${'x'.repeat(200)}/.well-known/agent-skills/index.json`,
    ];
    for (const path of missing) {
      const res = await anonymous(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const globex = (await (await anonymous('/orgs/globex/.well-known/agent-skills/index.json')).json()) as Json;
    expect(globex.skills.map((s: Json) => s.name)).toEqual(['globex-open']);
    const empty = (await (await anonymous('/orgs/nobody/.well-known/agent-skills/index.json')).json()) as Json;
    expect(empty).toEqual({ skills: [] });
  });

  it('serves the organisation PUBLIC_SKILLS_ORG names at the root paths', async () => {
    const root = { user: 'root-admin', org: 'default', role: 'admin' as const };
    const res = await t.request('/skills', {
      method: 'POST',
      body: bundleForm(zipOf(runnableSkill('root-open'), 'root-open'), { publish: 'true', visibility: 'public' }),
      as: root,
    });
    expect(res.status).toBe(201);
    for (const root of ['agent-skills', 'skills']) {
      const index = (await (await anonymous(`/.well-known/${root}/index.json`)).json()) as Json;
      expect(index.skills.map((s: Json) => s.name)).toEqual(['root-open']);
      expect((await anonymous(`/.well-known/${root}/root-open/SKILL.md`)).status).toBe(200);
      expect((await anonymous(`/.well-known/${root}/open-one/SKILL.md`)).status).toBe(404);
    }
  });
});
