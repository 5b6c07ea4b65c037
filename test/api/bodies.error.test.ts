import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { runnableSkill } from '../helpers/bundles.ts';
import { publishCode } from '../runs/helpers.ts';

// Routes that take JSON or multipart validate the body that was sent, by its own schema, and refuse other types.
describe('bodies by content type', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('pglite');
    await publishSkill(t, runnableSkill('hello'), 'hello');
  });
  afterAll(() => t.close());

  const post = (path: string, body: BodyInit | undefined, contentType?: string) =>
    t.request(path, { method: 'POST', body, headers: contentType ? { 'content-type': contentType } : {} });

  it('refuses a body that is neither JSON nor multipart, or none, with 415', async () => {
    for (const [path, body, type] of [
      ['/runs', 'skill=hello', 'text/plain'],
      ['/runs', undefined, undefined],
      ['/skills', undefined, undefined],
      ['/skills/hello/versions', '{"bundle":"x"}', 'application/json'],
    ] as const) {
      const res = await post(path, body, type);
      expect(res.status, `${path} ${type}`).toBe(415);
      const problem = await res.json();
      expect(problem.type).toBe('https://open-skills.dev/problems/unsupported-media-type');
      expect(problem.detail).toMatch(/multipart\/form-data/);
    }
  });

  it('checks the JSON of a multipart run request part by the run request schema', async () => {
    const notJson = new FormData();
    notJson.set('request', '{skill');
    const res = await post('/runs', notJson);
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([{ field: 'body.request', message: 'must be JSON' }]);

    const invalid = new FormData();
    invalid.set('request', JSON.stringify({ skill: 'hello', chain: [{ skill: 'hello' }] }));
    const problem = await (await post('/runs', invalid)).json();
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain('body.request.skill');

    const missing = await post('/runs', new FormData());
    expect(missing.status).toBe(400);
    expect((await missing.json()).errors[0].field).toBe('body.request');
  });

  it('takes the run request as a file part, and files[] parts named by their filenames', async () => {
    await publishCode(
      t,
      'reads-file',
      'export default async (i: { file: string }, ctx: any) => ({ text: await ctx.files.readText(i.file) });',
    );
    const form = new FormData();
    form.set('request', new File([JSON.stringify({ skill: 'reads-file', input: { file: 'a.txt' } })], 'run.json'));
    form.append('files[]', new File(['from files[]'], 'a.txt'));
    const res = await post('/runs', form);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ status: 'succeeded', output: { text: 'from files[]' } });
  });

  it('validates multipart upload fields: publish flags, semver version, visibility', async () => {
    const form = new FormData();
    form.set('bundle', new File([new Uint8Array([1])], 'b.zip'));
    form.set('version', 'v1');
    form.set('visibility', 'world');
    form.set('publish', 'maybe');
    const res = await post('/skills', form);
    expect(res.status).toBe(400);
    const fields = (await res.json()).errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['body.publish', 'body.version', 'body.visibility']);
  });
});
