import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { bundleForm, filesForm, runnableSkill, skillMd, tarGzOf, zipOf } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';

const sha = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

describe.each(backends)('skill registry on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  it('creates an empty skill from JSON and finds it by name and by id', async () => {
    const res = await t.request('/skills', { method: 'POST', json: { name: 'empty-one', description: 'Nothing yet' } });
    expect(res.status).toBe(201);
    const skill = await res.json();
    expect(skill).toMatchObject({
      name: 'empty-one',
      visibility: 'org',
      owner_id: 'alice',
      latest_version: null,
      runnable: false,
    });
    for (const ref of ['empty-one', skill.id]) {
      const got = await t.request(`/skills/${ref}`);
      expect(got.status).toBe(200);
      expect((await got.json()).id).toBe(skill.id);
    }
  });

  it('creates a skill and its first version from a zip, and round-trips the files byte for byte', async () => {
    const files = { ...runnableSkill('round-trip'), 'assets/logo.bin': new Uint8Array([0, 1, 2, 255, 254]) };
    const result = await publishSkill(t, files, 'round-trip');
    expect(result.version).toMatchObject({
      version: '1.0.0',
      status: 'published',
      entrypoint: 'scripts/main.ts',
      runnable: true,
      file_count: 4,
    });

    const zip = await t.request(`/skill-versions/${result.version.id}/content`);
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    const unpacked = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    expect(Object.keys(unpacked).sort()).toEqual(
      Object.keys(files)
        .map((p) => `round-trip/${p}`)
        .sort(),
    );
    const version = await (await t.request(`/skill-versions/${result.version.id}`)).json();
    for (const [path, content] of Object.entries(files)) {
      const original = typeof content === 'string' ? new TextEncoder().encode(content) : content;
      expect(unpacked[`round-trip/${path}`]).toEqual(original);
      expect(version.files.find((f: { path: string }) => f.path === path).sha256).toBe(sha(original));
    }

    // Re-uploading the downloaded archive as a new version gives the same content hash.
    const again = await t.request('/skills/round-trip/versions', {
      method: 'POST',
      body: bundleForm(
        new Uint8Array(await (await t.request(`/skill-versions/${result.version.id}/content`)).arrayBuffer()),
        { version: '1.0.1' },
      ),
    });
    expect(again.status).toBe(201);
    expect((await again.json()).version.sha256).toBe(version.sha256);
  });

  it('accepts tar.gz bundles and files[] uploads', async () => {
    const files = runnableSkill('tar-skill');
    const tgz = await tarGzOf(Object.entries(files).map(([p, c]) => ({ name: `tar-skill/${p}`, content: c })));
    const created = await t.request('/skills', { method: 'POST', body: bundleForm(tgz, {}, 'tar-skill.tgz') });
    expect(created.status).toBe(201);
    expect((await created.json()).version).toMatchObject({ version: '1.0.0', status: 'draft' });

    const v2 = await t.request('/skills/tar-skill/versions', {
      method: 'POST',
      body: filesForm(runnableSkill('tar-skill', '1.1.0'), 'tar-skill'),
    });
    expect(v2.status).toBe(201);
    expect((await v2.json()).version).toMatchObject({ version: '1.1.0', file_count: 3 });
  });

  it('transpiles TypeScript once at upload and serves files with media type and ETag', async () => {
    const result = await publishSkill(t, runnableSkill('ts-skill'), 'ts-skill');
    const [row] = await t.db.query<{ compiled_js: string; source_map: string }>(
      "select compiled_js, source_map from skill_files where version_id = $1 and path = 'scripts/main.ts'",
      [result.version.id],
    );
    expect(row?.compiled_js).toContain('async function run(input)');
    expect(row?.compiled_js).not.toContain('name?: string');
    expect(JSON.parse(row!.source_map).sources).toEqual(['scripts/main.ts']);

    const file = await t.request(`/skill-versions/${result.version.id}/files/scripts/main.ts`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/typescript; charset=utf-8');
    const source = await file.text();
    expect(source).toContain('input: { name?: string }');
    const etag = file.headers.get('etag');
    expect(etag).toBe(`"${sha(source)}"`);
    const cached = await t.request(`/skill-versions/${result.version.id}/files/scripts/main.ts`, {
      headers: { 'if-none-match': etag! },
    });
    expect(cached.status).toBe(304);
    expect((await t.request(`/skill-versions/${result.version.id}/files/nope.txt`)).status).toBe(404);
  });

  it('progressive disclosure: level 1 list, level 2 with instructions, level 3 files', async () => {
    await publishSkill(t, runnableSkill('levels'), 'levels');
    const list = await (await t.request('/skills?q=levels')).json();
    const summary = list.data.find((s: { name: string }) => s.name === 'levels');
    expect(summary).toMatchObject({ latest_version: '1.0.0', runnable: true, tags: ['test'] });
    expect(summary.instructions).toBeUndefined();
    const detail = await (await t.request('/skills/levels?include=instructions')).json();
    expect(detail.instructions).toContain('Do the thing.');
    expect(detail.files.map((f: { path: string }) => f.path)).toContain('scripts/main.ts');
  });

  it('publish, deprecate and "latest" resolution follow semver', async () => {
    const first = await publishSkill(t, runnableSkill('lifecycle', '1.0.0'), 'lifecycle');
    const upload = async (version: string) => {
      const res = await t.request('/skills/lifecycle/versions', {
        method: 'POST',
        body: bundleForm(zipOf(runnableSkill('lifecycle', version), 'lifecycle')),
      });
      expect(res.status).toBe(201);
      return (await res.json()).version.id as string;
    };
    const v110 = await upload('1.10.0');
    const v19 = await upload('1.9.0');
    const v2beta = await upload('2.0.0-beta.1');
    const latest = async () => (await (await t.request('/skills/lifecycle')).json()).latest_version;
    expect(await latest()).toBe('1.0.0');
    for (const id of [v19, v110, v2beta])
      expect((await t.request(`/skill-versions/${id}/publish`, { method: 'POST' })).status).toBe(200);
    expect(await latest()).toBe('2.0.0-beta.1');
    expect((await t.request(`/skill-versions/${v2beta}/deprecate`, { method: 'POST' })).status).toBe(200);
    expect(await latest()).toBe('1.10.0');
    // Only forward transitions.
    const again = await t.request(`/skill-versions/${v2beta}/publish`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(first.version.version).toBe('1.0.0');
    const versions = await (await t.request('/skills/lifecycle/versions?status=published')).json();
    expect(versions.data.map((v: { version: string }) => v.version).sort()).toEqual(['1.0.0', '1.10.0', '1.9.0']);
  });

  it('paginates with a cursor that stays stable when skills are added', async () => {
    for (let i = 0; i < 5; i++) {
      t.clock.advance(1000);
      await t.request('/skills', { method: 'POST', json: { name: `page-${i}` }, as: { org: 'paging' } });
    }
    const page1 = await (await t.request('/skills?limit=2', { as: { org: 'paging' } })).json();
    expect(page1.data.map((s: { name: string }) => s.name)).toEqual(['page-4', 'page-3']);
    t.clock.advance(1000);
    await t.request('/skills', { method: 'POST', json: { name: 'page-new' }, as: { org: 'paging' } });
    const page2 = await (
      await t.request(`/skills?limit=2&cursor=${page1.next_cursor}`, { as: { org: 'paging' } })
    ).json();
    expect(page2.data.map((s: { name: string }) => s.name)).toEqual(['page-2', 'page-1']);
    const page3 = await (
      await t.request(`/skills?limit=2&cursor=${page2.next_cursor}`, { as: { org: 'paging' } })
    ).json();
    expect(page3.data.map((s: { name: string }) => s.name)).toEqual(['page-0']);
    expect(page3.next_cursor).toBeNull();
  });

  it('filters by tag and edits, then soft-deletes a skill whose name can be reused', async () => {
    await publishSkill(
      t,
      { 'SKILL.md': skillMd({ name: 'tagged', description: 'Has tags', tags: ['Alpha', 'beta'] }) },
      'tagged',
    );
    const byTag = await (await t.request('/skills?tag=alpha')).json();
    expect(byTag.data.map((s: { name: string }) => s.name)).toEqual(['tagged']);
    const patched = await t.request('/skills/tagged', {
      method: 'PATCH',
      json: { tags: ['gamma'], visibility: 'user' },
    });
    expect(await patched.json()).toMatchObject({ tags: ['gamma'], visibility: 'user' });
    expect((await t.request('/skills/tagged', { method: 'DELETE' })).status).toBe(204);
    expect((await t.request('/skills/tagged')).status).toBe(404);
    const [row] = await t.db.query<{ n: number }>(
      "select count(*)::int as n from skills where name = 'tagged' and deleted_at is not null",
    );
    expect(row?.n).toBe(1);
    expect((await t.request('/skills', { method: 'POST', json: { name: 'tagged' } })).status).toBe(201);
  });

  it('renders the <available_skills> prompt block', async () => {
    const result = await publishSkill(
      t,
      { 'SKILL.md': skillMd({ name: 'prompted', description: 'Use for <xml> & things' }) },
      'prompted',
    );
    const res = await t.request('/skills/prompted/prompt');
    expect(res.headers.get('content-type')).toContain('application/xml');
    expect(await res.text()).toBe(
      '<available_skills>\n<skill>\n<name>\nprompted\n</name>\n<description>\nUse for &lt;xml&gt; &amp; things\n</description>\n' +
        `<location>\nhttp://localhost/skill-versions/${result.version.id}/files/SKILL.md\n</location>\n</skill>\n</available_skills>\n`,
    );
    const set = await t.request('/skills/prompt', { method: 'POST', json: { skills: ['prompted', 'levels'] } });
    expect((await set.text()).match(/<skill>/g)).toHaveLength(2);
  });
});
