/**
 * Errors thrown inside npm packages a skill bundles (`pack --bundle-deps`, done by publish and by the example
 * loader) name the package's own file and line, and the skill's own frames its TypeScript source: locally
 * (`open-skills test`) and on the server (the bundled entrypoint's map is stored beside it).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packSkillDir } from '../../src/skills/pack.ts';
import { cli, tempDir } from '../cli/helpers.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { bundleForm } from '../helpers/bundles.ts';
import { run } from '../runs/helpers.ts';

/** A skill whose entrypoint passes junk to fflate's unzipSync, which throws from inside the package. */
function unzipper(): string {
  const dir = join(tempDir('os-maps-'), 'unzipper');
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  mkdirSync(join(dir, 'tests'));
  writeFileSync(
    join(dir, 'SKILL.md'),
    '---\nname: unzipper\ndescription: Unzips bytes, badly\nversion: 1.0.0\nentrypoint: scripts/main.ts\n---\n',
  );
  writeFileSync(
    join(dir, 'scripts/main.ts'),
    "import { unzipSync } from 'fflate';\n\nexport default function run() {\n  const files = unzipSync(new Uint8Array([1, 2, 3, 4]));\n  return { count: Object.keys(files).length };\n}\n",
  );
  writeFileSync(join(dir, 'tests/junk.json'), JSON.stringify({ input: {}, expect: { status: 'failed' } }));
  return dir;
}

const expectMappedStack = (stack: string) => {
  expect(stack).toMatch(/\(node_modules\/fflate\/esm\/browser\.js:\d+:\d+\)/);
  expect(stack).toMatch(/at run \(scripts\/main\.ts:4:\d+\)/);
  expect(stack).not.toMatch(/scripts\/main\.js:/);
};

describe('source maps of bundled dependencies', () => {
  let t: TestApp;
  const dir = unzipper();
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t.close());

  it('pack writes the map beside the bundled entrypoint', async () => {
    const packed = await packSkillDir(dir, { bundleDeps: 'auto' });
    expect(packed.bundled).toEqual(['fflate']);
    const paths = packed.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['scripts/main.js', 'scripts/main.js.map', 'scripts/main.ts']));
    const map = JSON.parse(new TextDecoder().decode(packed.files.find((f) => f.path === 'scripts/main.js.map')!.data));
    expect(map.sources).toEqual(expect.arrayContaining(['scripts/main.ts', 'node_modules/fflate/esm/browser.js']));
  });

  it('open-skills test: the stack names fflate and the TypeScript line', async () => {
    const result = await cli('test', dir, '--json', '--url', 'http://127.0.0.1:9');
    const [junk] = JSON.parse(result.stdout).cases;
    expect(junk.outcome).toBe('passed');
    expectMappedStack(junk.error.stack);
  });

  it('on the server: the stored map is used for runs', async () => {
    const packed = await packSkillDir(dir, { bundleDeps: 'auto' });
    const res = await t.request('/skills', { method: 'POST', body: bundleForm(packed.zip, { publish: 'true' }) });
    expect(res.status).toBe(201);
    const { body } = await run(t, { skill: 'unzipper', input: {} });
    expect(body.status).toBe('failed');
    expectMappedStack(body.error.stack);
  });
});
