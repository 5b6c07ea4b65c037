import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.ts';
import { startTestServer } from '../helpers/server.ts';
import { cli, tempDir } from './helpers.ts';

// The real server (embedded database, sandbox workers) on a free port; the CLI talks to it over HTTP.
describe('publish and run against a real server', () => {
  let server: RunningServer;
  let auth: string[];
  const work = tempDir();

  beforeAll(async () => {
    const dataDir = join(work, 'data');
    const started = await startTestServer(dataDir);
    server = started.server;
    auth = ['--url', server.url, '--token', started.token];
  });
  afterAll(() => server?.close());

  it('init → publish (tests run on the server) → run', async () => {
    const dir = join(work, 'hello');
    await cli('init', dir);
    const published = await cli('publish', dir, ...auth);
    expect(published.stderr).toMatch(/Uploaded hello 0\.1\.0 as a draft/);
    expect(published.stdout).toMatch(/greets by name\s+PASSED/);
    expect(published.stdout).toMatch(/Published hello 0\.1\.0 \(2 cases passed\)/);
    expect(published.code).toBe(0);

    const run = await cli('run', 'hello', '--input', '{"name":"Ada"}', ...auth);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ greeting: 'Hello, Ada!', length: 3 });
    expect(run.stderr).toContain('[info] greeting Ada');
  });

  it('keeps a version that fails its tests as a draft, and exits 1', async () => {
    const dir = join(work, 'hello');
    const skillMd = readFileSync(join(dir, 'SKILL.md'), 'utf8').replace('version: 0.1.0', 'version: 0.2.0');
    writeFileSync(join(dir, 'SKILL.md'), skillMd);
    writeFileSync(join(dir, 'scripts/main.ts'), 'export async function run() {\n  return { greeting: "Hi" };\n}\n');
    const result = await cli('publish', dir, '--json', ...auth);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ skill: 'hello', version: '0.2.0', published: false });
    expect(report.cases[0].problems[0]).toMatch(/output \{"greeting":"Hi"\} is not/);

    // latest is still 0.1.0; the draft runs only when named.
    const latest = JSON.parse((await cli('run', 'hello', '--json', ...auth)).stdout);
    expect(latest).toMatchObject({ version: '0.1.0', status: 'succeeded' });
  });

  it('downloads artifacts, and explains problems readably', async () => {
    const dir = join(work, 'writer');
    await cli('init', dir);
    writeFileSync(
      join(dir, 'scripts/main.ts'),
      'export async function run(input: { text: string }, ctx: any) {\n' +
        '  const csv = await ctx.files.readText("data.csv");\n' +
        '  await ctx.artifacts.write("out.txt", input.text + csv, { mimeType: "text/plain" });\n' +
        '  return { ok: true };\n}\n',
    );
    const published = await cli('publish', dir, '--no-tests', ...auth);
    expect(published.stdout).toMatch(/tests skipped/);
    const csv = join(work, 'data.csv');
    writeFileSync(csv, 'a,b\n');
    const out = join(work, 'artifacts');
    const run = await cli('run', 'writer', '--input', '{"text":"x:"}', '--file', csv, '--out', out, ...auth);
    expect(run.code).toBe(0);
    expect(readFileSync(join(out, 'out.txt'), 'utf8')).toBe('x:a,b\n');

    const missing = await cli('run', 'no-such-skill', ...auth);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/404 Skill "no-such-skill" not found/);
    expect(missing.stderr).not.toMatch(/\n\s+at /);

    const refused = await cli('run', 'hello', '--url', server.url, '--token', 'not-a-token');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/401 .*\n.*was refused/);

    const down = await cli('run', 'hello', '--url', 'http://127.0.0.1:9', '--token', 'x');
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/Cannot reach the server at http:\/\/127\.0\.0\.1:9/);
    expect(existsSync(join(work, 'artifacts', 'out.txt'))).toBe(true);
  });
});
