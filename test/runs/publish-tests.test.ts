import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { type FileMap, runnableSkill } from '../helpers/bundles.ts';

const withCases = (name: string, expected: string): FileMap => ({
  ...runnableSkill(name),
  'tests/greets.json': JSON.stringify({
    name: 'greets',
    input: { name: 'Ada' },
    expect: { status: 'succeeded', output: { hello: expected } },
  }),
  'tests/default.json': JSON.stringify({
    input: {},
    expect: { status: 'succeeded', output_contains: { hello: 'world' } },
  }),
});

describe("publish?require_tests=true runs the version's own cases on the server", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t.close());

  const publish = (versionId: string) =>
    t.request(`/skill-versions/${versionId}/publish?require_tests=true`, { method: 'POST' });
  const status = async (versionId: string) => (await (await t.request(`/skill-versions/${versionId}`)).json()).status;

  it('publishes when every case passes', async () => {
    const { version } = await publishSkill(t, withCases('tested-ok', 'Ada'), 'tested-ok', false);
    const res = await publish(version.id);
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('published');
  });

  it('keeps the version a draft and lists the failing case with its run', async () => {
    const { version } = await publishSkill(t, withCases('tested-bad', 'Grace'), 'tested-bad', false);
    const res = await publish(version.id);
    expect(res.status).toBe(422);
    const problem = await res.json();
    expect(problem.detail).toBe('1 of 2 test cases failed; tested-bad 1.0.0 stays a draft');
    expect(problem.errors).toEqual([
      {
        field: 'tests/greets.json',
        message: expect.stringMatching(
          /^greets: output \{"hello":"Ada"\} is not \{"hello":"Grace"\} \(run [0-9a-f-]{36}\)$/,
        ),
      },
    ]);
    expect(await status(version.id)).toBe('draft');
  });

  it('refuses to require tests that do not exist', async () => {
    const { version } = await publishSkill(t, runnableSkill('untested'), 'untested', false);
    const res = await publish(version.id);
    expect(res.status).toBe(422);
    expect((await res.json()).detail).toMatch(/has no tests\/\*\.json cases/);
    expect(await status(version.id)).toBe('draft');
  });

  it('needs the publisher role', async () => {
    const { version } = await publishSkill(t, withCases('tested-role', 'Ada'), 'tested-role', false);
    const res = await t.request(`/skill-versions/${version.id}/publish?require_tests=true`, {
      method: 'POST',
      as: { role: 'author' },
    });
    expect(res.status).toBe(403);
  });
});
