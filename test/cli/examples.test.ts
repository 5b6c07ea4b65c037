import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES_CALLER, exampleDirs, loadExamples } from '../../src/skills/examples.ts';
import { createRegistry } from '../../src/skills/registry.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { tempDir } from './helpers.ts';

describe('example skills on first start', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t.close());

  it('loads and publishes every bundles/* skill once, into org "default" as admin', async () => {
    const registry = createRegistry({ db: t.db, clock: t.clock });
    const names = exampleDirs().map((dir) => dir.split('/').pop());
    expect(names.length).toBeGreaterThanOrEqual(10);

    const result = await loadExamples({ registry, logger: t.logs.logger });
    expect(result.failed).toEqual([]);
    expect(result.loaded.map((l) => l.name)).toEqual(names);
    expect(result.loaded.find((l) => l.name === 'excel-to-pptx')?.bundled).toEqual(['fast-xml-parser', 'fflate']);

    const res = await t.request('/skills?limit=100', { as: { user: 'admin', org: 'default', role: 'viewer' } });
    const page = (await res.json()) as { data: { name: string; latest_version: string | null }[] };
    expect(page.data.map((s) => s.name).sort()).toEqual(names);

    // The bundled entrypoint replaced the TypeScript one in the stored version.
    const excel = await registry.getSkill(EXAMPLES_CALLER, 'excel-to-pptx', false);
    const version = await registry.getVersion(EXAMPLES_CALLER, excel.latest_version_id!);
    expect(version.entrypoint).toBe('scripts/main.js');
    expect(version.files.map((f) => f.path)).toEqual(expect.arrayContaining(['scripts/main.js', 'scripts/main.ts']));

    expect(t.logs.lines.some((line) => line['msg'] === `loaded ${names.length} example skills`)).toBe(true);
    const again = await loadExamples({ registry, logger: t.logs.logger });
    expect(again).toEqual({ attempted: false, loaded: [], failed: [] });
  });

  it('logs a broken example and loads the rest', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'good-one', 'scripts'), { recursive: true });
    writeFileSync(
      join(dir, 'good-one', 'SKILL.md'),
      '---\nname: good-one\ndescription: A fine skill.\nversion: 1.0.0\n---\n# Good\n',
    );
    mkdirSync(join(dir, 'bad-one'));
    writeFileSync(join(dir, 'bad-one', 'SKILL.md'), '---\nname: bad-one\n---\n# No description\n');
    const registry = createRegistry({ db: t.db, clock: t.clock });
    const caller = { ...EXAMPLES_CALLER, orgId: 'other-org' };
    const result = await loadExamples({ registry, logger: t.logs.logger, dir, caller });
    expect(result.loaded.map((l) => l.name)).toEqual(['good-one']);
    expect(result.failed).toEqual([{ name: 'bad-one', error: expect.stringMatching(/description is required/) }]);
  });
});
