import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCaseSuite } from '../../src/cli/cases.ts';
import { exampleDirs, loadExamples } from '../../src/skills/examples.ts';
import { type CaseOutcome, runCase } from '../../src/skills/test-cases.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

const ADMIN = { user: 'admin', org: 'default', role: 'admin' as const };

// Every example skill's own test cases, run on a server through POST /runs in the real sandbox — including the
// composition cases (`requires`) that `open-skills test` skips locally — and its trigger requests, against the router.
const cases = exampleDirs().flatMap((dir) => {
  const suite = readCaseSuite(dir);
  return suite.cases.map((c) => ({ suite, skill: basename(dir), ...c }));
});

describe('example skills pass their tests on the server', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    // Through the app's own registry, so the examples are embedded for the router like any upload.
    const result = await loadExamples({ registry: t.app.services.registry, logger: t.logs.logger });
    expect(result.failed).toEqual([]);
    await t.indexed();
  });
  afterAll(() => t.close());

  it('has cases for every runnable example', () => {
    expect(new Set(cases.map((c) => c.skill)).size).toBeGreaterThanOrEqual(8);
  });

  it.each(
    exampleDirs().map((dir) => basename(dir)),
  )('%s: tests/triggers.json meets its threshold against the router', async (skill) => {
    const res = await t.request(`/skills/${skill}/triggers`, { method: 'POST', json: {}, as: ADMIN });
    expect(res.status).toBe(200);
    const report = await res.json();
    const missed = report.cases.filter((c: { passed: boolean }) => !c.passed);
    expect(report.ok, JSON.stringify(missed)).toBe(true);
    expect(report.total).toBeGreaterThanOrEqual(6);
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
