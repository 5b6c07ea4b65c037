import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCaseSuite } from '../../src/cli/cases.ts';
import { exampleDirs, loadExamples } from '../../src/skills/examples.ts';
import { createRegistry } from '../../src/skills/registry.ts';
import { type CaseOutcome, runCase } from '../../src/skills/test-cases.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

const ADMIN = { user: 'admin', org: 'default', role: 'admin' as const };

// Every example skill's own test cases, run on a server through POST /runs in the real sandbox — including the
// composition cases (`requires`) that `open-skills test` skips locally.
const cases = exampleDirs().flatMap((dir) => {
  const suite = readCaseSuite(dir);
  return suite.cases.map((c) => ({ suite, skill: basename(dir), ...c }));
});

describe('example skills pass their tests on the server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    const result = await loadExamples({
      registry: createRegistry({ db: t.db, clock: t.clock }),
      logger: t.logs.logger,
    });
    expect(result.failed).toEqual([]);
  });
  afterAll(() => t.close());

  it('has cases for every runnable example', () => {
    expect(new Set(cases.map((c) => c.skill)).size).toBeGreaterThanOrEqual(8);
  });

  it.each(cases.map((c) => [`${c.skill} / ${c.testCase.name}`, c] as const))('%s', async (_name, c) => {
    const report = await runCase(c.suite, c, {
      async execute(testCase, files): Promise<CaseOutcome> {
        const form = new FormData();
        form.set('request', JSON.stringify({ skill: c.skill, input: testCase.input }));
        for (const [name, data] of files) form.append(name, new File([data as Uint8Array<ArrayBuffer>], name));
        const res = await t.request('/runs', { method: 'POST', body: form, as: ADMIN });
        expect(res.status).toBe(201);
        const run = await res.json();
        const artifacts = run.artifacts.map((a: { name: string; mime_type: string; size: number }) => ({
          name: a.name,
          mimeType: a.mime_type,
          size: a.size,
        }));
        return { status: run.status, output: run.output, error: run.error, artifacts };
      },
    });
    const { problems } = report;
    expect(problems).toEqual([]);
  });
});
