import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { bundleForm, runnableSkill, skillMd, zipOf } from '../helpers/bundles.ts';
import { deflatedZeros, rawZip } from '../helpers/raw-zip.ts';

// Archives are checked entry by entry as the inflater produces them; nothing they declare is trusted.
describe('hostile archives', () => {
  let t: TestApp;
  let zeros: Uint8Array;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    // 256 MB of zeros in about 250 KB.
    zeros = await deflatedZeros(256 * 1024 * 1024);
  });
  afterAll(() => t.close());

  const upload = async (archive: Uint8Array, filename = 'bundle.zip') => {
    const res = await t.request('/skills', { method: 'POST', body: bundleForm(archive, {}, filename) });
    return { status: res.status, body: await res.json() };
  };
  let benign = 0;
  const expectBenignUpload = async () => {
    const name = `benign-${++benign}`;
    expect((await upload(zipOf(runnableSkill(name), name))).status).toBe(201);
  };
  const md = new TextEncoder().encode(skillMd({ name: 'evil', description: 'x' }));

  it('a zip entry that declares 1 KB and inflates to 256 MB stops at the limits, without inflating it', async () => {
    const rssBefore = process.memoryUsage.rss();
    const archive = rawZip([
      { name: 'evil/SKILL.md', data: md },
      { name: 'evil/zeros.bin', data: zeros, method: 8, size: 1024, crc: 0 },
    ]);
    expect(archive.length).toBeLessThan(1024 * 1024);
    const { status, body } = await upload(archive);
    expect([413, 422]).toContain(status);
    expect(body.detail).toMatch(/compression bomb|expands past|cannot be read/);
    expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(128 * 1024 * 1024);
    await expectBenignUpload();
  });

  it('a tar.gz that inflates to 64 MB stops at the limits', async () => {
    const rssBefore = process.memoryUsage.rss();
    const archive = pack();
    const chunks: Buffer[] = [];
    archive.on('data', (c) => chunks.push(c as Buffer));
    const ended = new Promise<void>((r) => archive.on('end', () => r()));
    archive.entry({ name: 'evil/SKILL.md' }, Buffer.from(md));
    const big = archive.entry({ name: 'evil/zeros.bin', size: 64 * 1024 * 1024 });
    const mb = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 64; i++) if (!big.write(mb)) await new Promise<void>((r) => big.once('drain', () => r()));
    big.end(undefined);
    archive.finalize();
    await ended;
    const gz = new Uint8Array(gzipSync(Buffer.concat(chunks), { level: 9 }));
    chunks.length = 0;
    const { status, body } = await upload(gz, 'bundle.tgz');
    expect([413, 422]).toContain(status);
    expect(body.detail).toMatch(/compression bomb|expands past|over 10\.0 MB/);
    expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(400 * 1024 * 1024);
    await expectBenignUpload();
  });

  it('refuses duplicate paths, NUL bytes in names and special files, listing each', async () => {
    const file = (name: string, text = 'x') => ({ name, data: new TextEncoder().encode(text) });
    const { status, body } = await upload(
      rawZip([
        { name: 'evil/SKILL.md', data: md },
        file('evil/scripts/a.js', 'export default () => 1'),
        file('evil/scripts/a.js', 'export default () => 2'),
        file('evil/x\u0000.txt'),
        { ...file('evil/dev'), mode: 0o020644 },
        { ...file('evil/link', '/etc/passwd'), mode: 0o120777 },
      ]),
    );
    expect(status).toBe(422);
    const problems = Object.fromEntries(
      body.errors.map((e: { field: string; message: string }) => [e.field, e.message]),
    );
    expect(problems['evil/scripts/a.js']).toMatch(/twice/);
    expect(problems['evil/x\u0000.txt']).toMatch(/control character/);
    expect(problems['evil/dev']).toMatch(/device/);
    expect(problems['evil/link']).toMatch(/symlink/);
    await expectBenignUpload();
  });
});
