import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { configFile, readStoredLogin, resolveSettings, writeStoredLogin } from '../../src/cli/settings.ts';
import { bareImports } from '../../src/skills/pack.ts';
import { cli, tempDir } from './helpers.ts';

const BUNDLES = join(import.meta.dirname, '../../bundles');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

describe('open-skills init, validate, pack, unpack', () => {
  it('scaffolds a bundle that validates, packs and unpacks to the same files', async () => {
    const work = tempDir();
    const dir = join(work, 'hello');
    expect((await cli('init', dir)).code).toBe(0);
    expect(listFiles(dir)).toEqual([
      'SKILL.md',
      'scripts/main.ts',
      'tests/basic.json',
      'tests/default-name.json',
      'tests/triggers.json',
    ]);

    const valid = await cli('validate', dir);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(/valid — hello 0\.1\.0, 5 files, entrypoint scripts\/main\.ts/);
    const json = JSON.parse((await cli('validate', dir, '--json')).stdout);
    expect(json).toMatchObject({ valid: true, name: 'hello', errors: [], warnings: [] });

    const zip = join(work, 'out', 'hello.zip');
    expect((await cli('pack', dir, '-o', zip)).code).toBe(0);
    expect(Object.keys(unzipSync(readFileSync(zip))).sort()).toEqual([
      'hello/SKILL.md',
      'hello/scripts/main.ts',
      'hello/tests/basic.json',
      'hello/tests/default-name.json',
      'hello/tests/triggers.json',
    ]);

    const copy = join(work, 'copy', 'hello');
    expect((await cli('unpack', zip, copy)).code).toBe(0);
    for (const file of listFiles(dir)) expect(readFileSync(join(copy, file))).toEqual(readFileSync(join(dir, file)));
    expect((await cli('validate', copy)).code).toBe(0);
    // Unpacking twice does not overwrite.
    expect((await cli('unpack', zip, copy)).code).toBe(1);
  });

  it('refuses names that are not skill names and folders that are not empty', async () => {
    const work = tempDir();
    const bad = await cli('init', join(work, 'Hello_World'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a valid skill name/);
    await cli('init', join(work, 'taken'));
    expect((await cli('init', join(work, 'taken'))).code).toBe(1);
  });

  it('reports every problem of a broken bundle with its field, and exits 1', async () => {
    const dir = join(tempDir(), 'broken');
    await cli('init', dir);
    writeFileSync(
      join(dir, 'SKILL.md'),
      '---\nname: Broken_Name\nversion: banana\nentrypoint: scripts/missing.ts\ncolour: blue\n---\n# Broken\n',
    );
    writeFileSync(join(dir, 'scripts/main.ts'), 'export function run( {\n');
    const result = await cli('validate', dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('invalid');
    expect(result.stderr).toMatch(/SKILL\.md#name: name "Broken_Name" must be lowercase \(names are 1-64 lowercase/);
    expect(result.stderr).toMatch(/SKILL\.md#description: description is required/);
    expect(result.stderr).toMatch(/SKILL\.md#version: version "banana" is not valid semver/);
    expect(result.stderr).toMatch(/SKILL\.md#entrypoint: entrypoint file "scripts\/missing\.ts" is not in the bundle/);
    expect(result.stderr).toMatch(/scripts\/main\.ts:\d+:\d+: TypeScript syntax error/);
    expect(result.stderr).toMatch(/Warnings:\n.*SKILL\.md#colour: unknown field "colour"/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const json = JSON.parse((await cli('validate', dir, '--json')).stdout);
    expect(json.valid).toBe(false);
    expect(json.errors.map((e: { field: string }) => e.field)).toContain('SKILL.md#name');
    expect((await cli('pack', dir, '-o', join(dir, '..', 'x.zip'))).code).toBe(1);
    expect((await cli('validate', join(dir, 'nope'))).code).toBe(1);
  });

  it('refuses zip-slip entries when unpacking', async () => {
    const work = tempDir();
    const zip = join(work, 'evil.zip');
    writeFileSync(zip, zipSync({ 'SKILL.md': strToU8('---\nname: x\n---\n'), '../escape.txt': strToU8('pwned') }));
    const result = await cli('unpack', zip, join(work, 'out'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/"\.\." is not allowed/);
    expect(() => statSync(join(work, 'escape.txt'))).toThrow();
  });

  it('exits 2 on usage errors', async () => {
    expect((await cli('pack')).code).toBe(2);
    expect((await cli('validate', 'a', 'b')).code).toBe(2);
    expect((await cli('run', 'x', '--input', '{not json')).code).toBe(2);
    expect((await cli('pack', '.', '--frobnicate')).code).toBe(2);
    expect((await cli('nope')).code).toBe(2);
    expect((await cli('help')).stdout).toContain('Exit codes');
  });
});

describe('open-skills test', () => {
  it('runs the scaffolded cases in the real sandbox', async () => {
    const dir = join(tempDir(), 'hello');
    await cli('init', dir);
    // Triggers need a server's router: none answers at port 9, so they are skipped (not failed).
    const result = await cli('test', dir, '--url', 'http://127.0.0.1:9');
    expect(result.stdout).toMatch(/PASS {2}greets by name/);
    expect(result.stdout).toMatch(
      /Triggers \(tests\/triggers\.json\): SKIPPED — Cannot reach the server at http:\/\/127\.0\.0\.1:9/,
    );
    expect(result.stdout).toMatch(/run cases {2}2 passed, 0 failed, 0 skipped\ntriggers {3}skipped\n$/);
    expect(result.code).toBe(0);

    writeFileSync(
      join(dir, 'tests/wrong.json'),
      JSON.stringify({ name: 'wrong', input: { name: 'Bo' }, expect: { status: 'succeeded', output: { x: 1 } } }),
    );
    writeFileSync(
      join(dir, 'tests/composed.json'),
      JSON.stringify({ name: 'composed', requires: ['other'], input: {}, expect: { status: 'succeeded' } }),
    );
    const failing = await cli('test', dir, '--json', '--url', 'http://127.0.0.1:9');
    expect(failing.code).toBe(1);
    const report = JSON.parse(failing.stdout);
    expect(report).toMatchObject({ passed: 2, failed: 1, skipped: 1 });
    const wrong = report.cases.find((c: { name: string }) => c.name === 'wrong');
    expect(wrong.problems[0]).toMatch(/output \{"greeting":"Hello, Bo!","length":2\} is not \{"x":1\}/);
    expect(wrong.logs[0].message).toBe('greeting Bo');
  });
});

describe('open-skills test checks inputs as the server does', () => {
  it('fails a case whose input breaks the input_schema, naming the field', async () => {
    const dir = join(tempDir(), 'hello');
    await cli('init', dir);
    const skillMd = readFileSync(join(dir, 'SKILL.md'), 'utf8').replace(
      /inputs:\n(?: {2}.*\n)+/,
      'input_schema:\n  type: object\n  properties:\n    name: { type: string, maxLength: 3 }\n',
    );
    writeFileSync(join(dir, 'SKILL.md'), skillMd);
    writeFileSync(
      join(dir, 'tests/too-long.json'),
      JSON.stringify({ input: { name: 'Grace' }, expect: { status: 'failed', error_type: 'invalid_input' } }),
    );
    writeFileSync(
      join(dir, 'tests/wants-success.json'),
      JSON.stringify({ input: { name: 'Grace' }, expect: { status: 'succeeded' } }),
    );
    const result = await cli('test', dir, '--json', '--url', 'http://127.0.0.1:9');
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ passed: 3, failed: 1, skipped: 0 });
    const failed = report.cases.find((c: { name: string }) => c.name === 'wants-success');
    expect(failed.error).toMatchObject({ type: 'invalid_input', errors: [{ field: 'input.name' }] });
    expect(failed.problems[0]).toMatch(/^status failed \(invalid_input: The input has 1 invalid field: input\.name /);
    expect(result.code).toBe(1);
  });
});

describe('pack --bundle-deps', () => {
  it('bundles the entrypoint and its npm packages into one self-contained ES module', async () => {
    const work = tempDir();
    const zip = join(work, 'excel.zip');
    const result = await cli('pack', join(BUNDLES, 'excel-to-pptx'), '-o', zip, '--bundle-deps');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/bundled fast-xml-parser, fflate into scripts\/main\.js/);
    const files = unzipSync(readFileSync(zip));
    const skillMd = new TextDecoder().decode(files['excel-to-pptx/SKILL.md']);
    expect(skillMd).toMatch(/^entrypoint: scripts\/main\.js$/m);
    expect(files['excel-to-pptx/scripts/main.ts']).toBeDefined(); // sources stay for readers
    const code = new TextDecoder().decode(files['excel-to-pptx/scripts/main.js']);
    // One module: no static import or re-export statements left (esbuild hoists them to line starts).
    expect(code).not.toMatch(/^\s*import\s[^;]*["'];?$/m);
    expect(code).not.toMatch(/^\s*export\s[^;]*\sfrom\s/m);

    const out = join(work, 'unpacked', 'excel-to-pptx');
    await cli('unpack', zip, out);
    expect(await bareImports(out, 'scripts/main.js')).toEqual([]);
    expect(await bareImports(out, 'scripts/main.ts')).toEqual(['fast-xml-parser', 'fflate']);
  });
});

describe('settings', () => {
  it('prefers flags, then the environment, then the stored login; stores it readable by the owner only', () => {
    const configHome = tempDir();
    const file = configFile({ configHome });
    writeStoredLogin({ url: 'http://stored:1', token: 'stored-token' }, file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readStoredLogin(file)).toEqual({ url: 'http://stored:1', token: 'stored-token' });
    expect(resolveSettings({}, { configHome })).toMatchObject({ url: 'http://stored:1', token: 'stored-token' });
    expect(resolveSettings({}, { configHome, url: 'http://env:2/', token: 'env' })).toMatchObject({
      url: 'http://env:2',
      token: 'env',
    });
    expect(resolveSettings({ url: 'http://flag:3', token: 'flag' }, { configHome, url: 'http://env:2' })).toMatchObject(
      { url: 'http://flag:3', token: 'flag', source: { url: '--url', token: '--token' } },
    );
    expect(resolveSettings({}, { configHome: tempDir() }).url).toBe('http://localhost:8000');
  });
});
