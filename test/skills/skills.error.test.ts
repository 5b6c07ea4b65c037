import { randomBytes } from 'node:crypto';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { bundleForm, type FileMap, runnableSkill, skillMd, tarGzOf, zipOf } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';

/** Zip with a Unix symlink entry: fflate cannot mark one, so patch the central directory's mode bits. */
function zipWithSymlink(): Uint8Array {
  const zip = zipSync({
    'evil/SKILL.md': new TextEncoder().encode(skillMd({ name: 'evil', description: 'x' })),
    'evil/link': new TextEncoder().encode('/etc/passwd'),
  });
  const view = new DataView(zip.buffer);
  for (let i = 0; i < zip.length - 4; i++) {
    if (view.getUint32(i, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(i + 28, true);
    const name = new TextDecoder().decode(zip.subarray(i + 46, i + 46 + nameLength));
    if (name === 'evil/link') {
      view.setUint16(i + 4, (3 << 8) | 20, true);
      view.setUint32(i + 38, (0o120777 << 16) >>> 0, true);
    }
  }
  return zip;
}

describe.each(backends)('bundle rejections on %s', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(backend);
  });
  afterAll(() => t.close());

  const counts = async () => {
    const [row] = await t.db.query<{ skills: number; versions: number; files: number }>(
      `select (select count(*)::int from skills) as skills, (select count(*)::int from skill_versions) as versions,
              (select count(*)::int from skill_files) as files`,
    );
    return row;
  };

  const expectRejected = async (body: FormData, status: number, detail: RegExp, field?: RegExp, path = '/skills') => {
    const before = await counts();
    const res = await t.request(path, { method: 'POST', body });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = await res.json();
    expect(problem.detail).toMatch(detail);
    if (field)
      expect(
        problem.errors.map((e: { field: string; message: string }) => `${e.field}: ${e.message}`).join('\n'),
      ).toMatch(field);
    expect(await counts()).toEqual(before);
    return problem;
  };
  const zipForm = (files: FileMap, folder = 'bad-skill') => bundleForm(zipOf(files, folder));

  it('no SKILL.md', () => expectRejected(zipForm({ 'README.md': 'hi' }), 422, /no SKILL.md/));
  it('SKILL.md without front matter', () =>
    expectRejected(zipForm({ 'SKILL.md': '# hi' }), 422, /problem/, /front matter/));
  it('unparseable YAML', () =>
    expectRejected(
      zipForm({ 'SKILL.md': '---\nname: [unclosed\ndescription: x\n---\nbody' }),
      422,
      /problem/,
      /not valid YAML/,
    ));
  it('missing name and description, both listed', async () => {
    const problem = await expectRejected(zipForm({ 'SKILL.md': skillMd({ license: 'MIT' }) }), 422, /2 problems/);
    expect(problem.errors.map((e: { field: string }) => e.field)).toEqual(['SKILL.md#name', 'SKILL.md#description']);
  });
  it('name not matching the folder', () =>
    expectRejected(
      zipForm({ 'SKILL.md': skillMd({ name: 'other-name', description: 'x' }) }),
      422,
      /problem/,
      /must equal the folder name "bad-skill"/,
    ));
  it('invalid name', () =>
    expectRejected(
      zipForm({ 'SKILL.md': skillMd({ name: 'Bad--Name', description: 'x' }) }, 'Bad--Name'),
      422,
      /problem/,
      /lowercase/,
    ));
  it('entrypoint file missing', () =>
    expectRejected(
      zipForm({ 'SKILL.md': skillMd({ name: 'bad-skill', description: 'x', entrypoint: 'scripts/main.ts' }) }),
      422,
      /problem/,
      /not in the bundle/,
    ));
  it('bad semver', () =>
    expectRejected(
      zipForm({ 'SKILL.md': skillMd({ name: 'bad-skill', description: 'x', version: 'banana' }) }),
      422,
      /problem/,
      /not valid semver/,
    ));
  it('TypeScript syntax error names file, line and column', () =>
    expectRejected(
      zipForm({
        ...runnableSkill('bad-skill'),
        'scripts/main.ts': 'export default function run() {\n  return {;\n}\n',
      }),
      422,
      /problem/,
      /scripts\/main\.ts:2:\d+: TypeScript syntax error/,
    ));
  it('path traversal (zip-slip)', () =>
    expectRejected(
      bundleForm(zipSync({ 'SKILL.md': new Uint8Array(1), '../escape.txt': new Uint8Array(1) })),
      422,
      /not allowed/,
      /"\.\." is not allowed/,
    ));
  it('absolute paths', () =>
    expectRejected(bundleForm(zipSync({ '/etc/cron.d/x': new Uint8Array(1) })), 422, /not allowed/, /absolute/));
  it('symlinks in zip', () => expectRejected(bundleForm(zipWithSymlink()), 422, /not allowed/, /symlink/));
  it('symlinks in tar.gz', async () =>
    expectRejected(
      bundleForm(
        await tarGzOf([
          { name: 'evil/SKILL.md', content: skillMd({ name: 'evil', description: 'x' }) },
          { name: 'evil/link', type: 'symlink' },
        ]),
        {},
        'b.tgz',
      ),
      422,
      /not allowed/,
      /symlink/,
    ));
  it('more than 500 files', () => {
    const files: FileMap = { 'SKILL.md': skillMd({ name: 'bad-skill', description: 'x' }) };
    for (let i = 0; i < 501; i++) files[`resources/f${i}.txt`] = 'x';
    return expectRejected(zipForm(files), 413, /502 files; at most 500/);
  });
  it('a file over 10 MB', () =>
    expectRejected(
      zipForm({
        'SKILL.md': skillMd({ name: 'bad-skill', description: 'x' }),
        'big.bin': new Uint8Array(10 * 1024 * 1024 + 1).fill(7),
      }),
      413,
      /no file may exceed 10\.0 MB/,
    ));
  it('a compression bomb', () =>
    expectRejected(
      zipForm({
        'SKILL.md': skillMd({ name: 'bad-skill', description: 'x' }),
        'bomb.bin': new Uint8Array(9 * 1024 * 1024),
      }),
      422,
      /compression bomb/,
    ));
  it('more than 30 MB uncompressed', () => {
    // Incompressible content, stored without compression, keeps the upload itself under the request size limit.
    const entries: Record<string, [Uint8Array, { level: 0 | 6 }]> = {
      'bad-skill/SKILL.md': [new TextEncoder().encode(skillMd({ name: 'bad-skill', description: 'x' })), { level: 6 }],
      'bad-skill/zeros.bin': [new Uint8Array(4 * 1024 * 1024), { level: 6 }],
    };
    for (let i = 0; i < 3; i++)
      entries[`bad-skill/r${i}.bin`] = [new Uint8Array(randomBytes(9 * 1024 * 1024)), { level: 0 }];
    return expectRejected(bundleForm(zipSync(entries)), 413, /expands to 31\.0 MB|expands past 30\.0 MB/);
  });
  it('not an archive', () =>
    expectRejected(bundleForm(new TextEncoder().encode('hello, not a zip')), 415, /zip or a tar\.gz/));
  it('a corrupt zip', () =>
    expectRejected(bundleForm(new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3])), 422, /not a valid zip/));
  it('no bundle part', () => {
    const form = new FormData();
    form.set('publish', 'true');
    return expectRejected(form, 400, /"bundle" file part/);
  });

  it('other content under a published version is a 409; identical content under a new number is fine', async () => {
    await publishSkill(t, runnableSkill('versioned', '1.0.0'), 'versioned');
    await expectRejected(
      bundleForm(zipOf(runnableSkill('versioned', '1.0.0', { tags: ['changed'] }), 'versioned')),
      409,
      /1\.0\.0 of "versioned" is published, and published versions never change/,
      undefined,
      '/skills/versioned/versions',
    );
    const res = await t.request('/skills/versioned/versions', {
      method: 'POST',
      body: bundleForm(zipOf(runnableSkill('versioned', '1.0.0'), 'versioned'), { version: '1.0.1' }),
    });
    expect(res.status).toBe(201);
  });

  it('a bundle for another skill is a 422 name mismatch', async () => {
    await publishSkill(t, runnableSkill('target'), 'target');
    await expectRejected(
      bundleForm(zipOf(runnableSkill('intruder', '2.0.0'), 'intruder')),
      422,
      /names "intruder" but this is skill "target"/,
      undefined,
      '/skills/target/versions',
    );
  });

  it('creating a skill whose name exists is a 409', async () => {
    await publishSkill(t, runnableSkill('taken'), 'taken');
    await expectRejected(bundleForm(zipOf(runnableSkill('taken', '9.0.0'), 'taken')), 409, /already exists/);
  });

  it('JSON create validates every field', async () => {
    const res = await t.request('/skills', { method: 'POST', json: { name: 'Not Valid!', visibility: 'world' } });
    expect(res.status).toBe(400);
    const problem = await res.json();
    expect(problem.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.name', 'body.visibility']);
  });

  it('a bad cursor is a 400', async () => {
    const res = await t.request('/skills?cursor=garbage');
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].field).toBe('query.cursor');
  });

  it('warnings are accepted and returned: unknown fields, lenient YAML, no version', async () => {
    const front = `name: warned\ndescription: Use when: the user asks for ${'x'.repeat(900)}\nwhen_to_use: always`;
    const result = await publishSkill(t, { 'SKILL.md': skillMd(front) }, 'warned');
    const messages = (result.warnings as { field: string; message: string }[])
      .map((w) => `${w.field}: ${w.message}`)
      .join('\n');
    expect(messages).toMatch(/SKILL.md: front matter is not valid YAML; read it leniently/);
    expect(messages).toMatch(/SKILL.md#when_to_use: unknown field/);
    expect(messages).toMatch(/SKILL.md#version: no version given; stored as 1.0.0/);
  });
});
