import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    expect(published.stdout).toMatch(
      /Triggers \(tests\/triggers\.json\):\nPASS {2}should trigger {6}rank 1 {6}"greet Ada by name"\n/,
    );
    expect(published.stdout).toMatch(/Published hello 0\.1\.0 \(2 cases passed, triggers 2\/2\)/);
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

    // Fixed, under the same number: the draft was never published, so it is replaced, tested and published.
    writeFileSync(
      join(dir, 'scripts/main.ts'),
      'export async function run(input: { name?: string }) {\n  const name = input.name?.trim() || "world";\n' +
        '  return { greeting: "Hello, " + name + "!", length: [...name].length };\n}\n',
    );
    const fixed = await cli('publish', dir, ...auth);
    expect(fixed.stderr).toMatch(/Replaced the draft hello 0\.2\.0 \(never published\) with this content/);
    expect(fixed.stdout).toMatch(/Published hello 0\.2\.0/);
    expect(fixed.code).toBe(0);
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

  it('imports a folder of skills with a summary, then finds them unchanged', async () => {
    const checkout = join(work, 'checkout');
    const skill = (path: string, front: string) => {
      mkdirSync(join(checkout, path), { recursive: true });
      writeFileSync(join(checkout, path, 'SKILL.md'), `---\n${front}\n---\n# Body\n`);
    };
    skill('skills/notes', 'name: notes\ndescription: Take notes');
    skill('skills/summary', 'name: summary\ndescription: Summarise text\nversion: 2.0.0');
    skill('skills/bad', 'name: bad\ndescription: [oops');
    skill('vendor/notes', 'name: notes\ndescription: Other notes');
    writeFileSync(join(checkout, 'README.md'), '# Skills\n');
    const first = await cli('import', checkout, ...auth);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^SKILL\s+RESULT\s+VERSION\s+NOTE\n/);
    expect(first.stdout).toMatch(/skills\/notes\s+CREATED\s+1\.0\.0\s+1 warning\n/);
    expect(first.stdout).toMatch(/skills\/summary\s+CREATED\s+2\.0\.0\s*\n/);
    expect(first.stdout).toMatch(/skills\/bad\s+REFUSED\s+The bundle has 1 problem/);
    expect(first.stdout).toMatch(
      /vendor\/notes\s+REFUSED\s+name clash: a skill named "notes" is also at skills\/notes/,
    );
    expect(first.stdout).toContain('4 skills: 2 imported, 0 updated, 0 unchanged, 2 refused; 1 with warnings');
    expect(first.stdout).toMatch(
      /skills\/bad: The bundle has 1 problem\n {2}SKILL\.md:4:1: front matter is not valid YAML/,
    );
    const again = await cli('import', join(checkout, 'skills', 'summary'), ...auth, '--json');
    expect(JSON.parse(again.stdout).skills).toEqual([expect.objectContaining({ outcome: 'unchanged', path: '.' })]);
    expect(again.code).toBe(0);
  });

  it("maps one --file to the skill's one file input, and runs by label", async () => {
    const example = join(import.meta.dirname, '../../bundles/excel-to-pptx');
    expect((await cli('publish', example, '--no-tests', ...auth)).code).toBe(0);
    const sales = join(work, 'sales.xlsx');
    copyFileSync(join(example, 'tests/fixtures/sales.xlsx'), sales);
    const out = join(work, 'deck');
    const run = await cli('run', 'excel-to-pptx', '--file', sales, '--out', out, ...auth);
    expect(run.stderr).toContain('--file sales.xlsx -> input.file\n');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ title: 'sales', slide_count: 4 });
    expect(existsSync(join(out, 'summary.pptx'))).toBe(true);

    const set = await cli('label', 'excel-to-pptx', 'production', '1.0.0', ...auth);
    expect(set.stdout).toBe(
      'excel-to-pptx@production -> 1.0.0\nRuns pinned to it: open-skills run excel-to-pptx --version production\n',
    );
    const listed = await cli('label', 'excel-to-pptx', ...auth);
    expect(listed.stdout).toMatch(/LABEL\s+VERSION\nlatest\s+1\.0\.0\nproduction\s+1\.0\.0\n/);
    const pinned = await cli(
      'run',
      'excel-to-pptx',
      ...['--version', 'production', '--file', sales, '--out', join(work, 'pinned'), '--json'],
      ...auth,
    );
    expect(JSON.parse(pinned.stdout)).toMatchObject({ status: 'succeeded', version: '1.0.0' });
    const missing = await cli('run', 'excel-to-pptx', '--version', 'staging', ...auth);
    expect(missing.stderr).toContain(
      '404 Skill "excel-to-pptx" has no version or label "staging" (labels: production)',
    );
  });

  it('suggests running only runnable skills, and says when nothing changed', async () => {
    const dir = join(work, 'guide');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'SKILL.md'),
      '---\nname: guide\ndescription: How we review code\nversion: 1.0.0\n---\n# Guide\n',
    );
    const published = await cli('publish', dir, ...auth);
    expect(published.stdout).toMatch(/Published guide 1\.0\.0 .*\nIt has no entrypoint: agents find it with search/);
    expect(published.stdout).not.toContain('Try: open-skills run');
    const again = await cli('publish', dir, ...auth);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('guide 1.0.0 is already published with this exact content; nothing to do.\n');
  });

  it("tests an instruction-only skill's triggers against the server's router; no cases is nothing to test", async () => {
    const dir = join(work, 'guide');
    mkdirSync(join(dir, 'tests'));
    const triggers = { should_trigger: ['how do we review code'], should_not_trigger: ['greet Ada by name'] };
    writeFileSync(join(dir, 'tests/triggers.json'), JSON.stringify(triggers));
    const result = await cli('test', dir, ...auth);
    expect(result.stdout).toMatch(
      /^\nTriggers \(tests\/triggers\.json\) against the router of http:\/\/127\.0\.0\.1:\d+:\nPASS {2}should trigger {6}rank 1 {6}"how do we review code"\nPASS {2}should not trigger {2}(rank \d+|not ranked) +"greet Ada by name"\n/,
    );
    expect(result.stdout).toMatch(
      /\ntriggers {2}top-1 1\/1 \(100%\), top-3 1\/1 \(100%\); 2 of 2 requests pass \(100%, threshold 100%\): PASS\n$/,
    );
    expect(result.code).toBe(0);

    const bare = join(work, 'bare');
    mkdirSync(bare);
    writeFileSync(join(bare, 'SKILL.md'), '---\nname: bare\ndescription: Nothing to run\n---\n');
    const nothing = await cli('test', bare, ...auth);
    expect(nothing).toMatchObject({ code: 0, stderr: '' });
    expect(nothing.stdout).toMatch(
      /^Nothing to test: .*bare\/tests has no run cases \(\*\.json\) and no triggers\.json/,
    );
  });
});
