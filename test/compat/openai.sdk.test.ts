/**
 * OpenAI's Skills API as the official `openai` package calls it, against a running server: every method, the error
 * classes its status codes raise, zip round trips, the default version as a label, and other organisations.
 */
import { unzipSync } from 'fflate';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipOf } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';
import { rejection, skillFiles, startCompatServer } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startCompatServer>>;

const zipFile = (name: string, version?: string, body?: string) =>
  toFile(Buffer.from(zipOf(skillFiles(name, version, body), name)), `${name}.zip`);

const unzipText = async (response: Response) => {
  const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
  return Object.fromEntries(Object.entries(files).map(([path, data]) => [path, new TextDecoder().decode(data)]));
};

describe.each(backends)('OpenAI-compatible skills API on %s', (backend) => {
  let s: Server;
  let client: OpenAI;
  let skillId: string;

  beforeAll(async () => {
    s = await startCompatServer(backend);
    client = (await s.as()).openai;
  });
  afterAll(() => s.close());

  it('creates a skill from a zip and downloads the same files back', async () => {
    const skill = await client.skills.create({ files: await zipFile('oai-csv', '1.0.0') });
    expect(skill).toMatchObject({
      object: 'skill',
      name: 'oai-csv',
      description: 'The oai-csv skill, for compat tests',
      default_version: '1.0.0',
      latest_version: '1.0.0',
    });
    expect(skill.created_at).toBe(Math.floor(skill.created_at));
    expect(Math.abs(skill.created_at - Date.now() / 1000)).toBeLessThan(600);
    skillId = skill.id;
    expect(await client.skills.retrieve(skillId)).toEqual(skill);

    const files = await unzipText(await client.skills.content.retrieve(skillId));
    const sent = skillFiles('oai-csv', '1.0.0');
    expect(files).toEqual({
      'oai-csv/SKILL.md': sent['SKILL.md'],
      'oai-csv/resources/notes.txt': sent['resources/notes.txt'],
    });
  });

  it('creates, lists, retrieves, downloads and deletes versions; update moves the default', async () => {
    const files = [
      await toFile(Buffer.from(skillFiles('oai-csv', '2.0.0')['SKILL.md'] as string), 'oai-csv/SKILL.md'),
      await toFile(Buffer.from('v2 notes\n'), 'oai-csv/resources/notes.txt'),
    ];
    const v2 = await client.skills.versions.create(skillId, { files });
    expect(v2).toMatchObject({ object: 'skill.version', skill_id: skillId, name: 'oai-csv', version: '2.0.0' });
    expect(await client.skills.retrieve(skillId)).toMatchObject({ default_version: '1.0.0', latest_version: '2.0.0' });

    const listed = [];
    for await (const version of client.skills.versions.list(skillId, { limit: 1 })) listed.push(version.version);
    expect(listed).toEqual(['2.0.0', '1.0.0']);
    const ascending = await client.skills.versions.list(skillId, { order: 'asc' });
    expect(ascending.data.map((v) => v.version)).toEqual(['1.0.0', '2.0.0']);
    expect(await client.skills.versions.retrieve('2.0.0', { skill_id: skillId })).toEqual(v2);
    const v2files = await unzipText(await client.skills.versions.content.retrieve('2.0.0', { skill_id: skillId }));
    expect(v2files['oai-csv/resources/notes.txt']).toBe('v2 notes\n');

    expect(await client.skills.update(skillId, { default_version: '2.0.0' })).toMatchObject({
      default_version: '2.0.0',
    });
    expect((await unzipText(await client.skills.content.retrieve(skillId)))['oai-csv/resources/notes.txt']).toBe(
      'v2 notes\n',
    );
    // The default version is the registry's "default" label.
    const native = await s.t.request(`/skills/${skillId}`);
    expect((await native.json()).labels).toEqual({ default: '2.0.0' });

    const v3 = await client.skills.versions.create(skillId, {
      files: await zipFile('oai-csv', '3.0.0'),
      default: true,
    });
    expect(await client.skills.retrieve(skillId)).toMatchObject({ default_version: '3.0.0', latest_version: '3.0.0' });
    expect(await client.skills.versions.delete(v3.id, { skill_id: skillId })).toEqual({
      id: v3.id,
      object: 'skill.version.deleted',
      deleted: true,
      version: '3.0.0',
    });
    // Deleting the default version drops the label: the default falls back to the latest.
    expect(await client.skills.retrieve(skillId)).toMatchObject({ default_version: '2.0.0', latest_version: '2.0.0' });
    await expect(client.skills.versions.retrieve(v3.id, { skill_id: skillId })).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
  });

  it('raises ConflictError on a duplicate version or name, NotFoundError on unknown ids, BadRequestError on bad input', async () => {
    const duplicate = client.skills.versions.create(skillId, {
      files: await zipFile('oai-csv', '2.0.0', '# changed\n'),
    });
    const error = await rejection(duplicate, OpenAI.ConflictError);
    expect(error.status).toBe(409);
    expect(error.code).toBe('conflict');
    expect(error.type).toBe('invalid_request_error');
    await expect(client.skills.create({ files: await zipFile('oai-csv', '9.0.0') })).rejects.toBeInstanceOf(
      OpenAI.ConflictError,
    );

    const unknown = '00000000-0000-4000-8000-000000000000';
    await expect(client.skills.retrieve(unknown)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.skills.content.retrieve(unknown)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.skills.versions.list(unknown)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.skills.versions.delete('1.0.0', { skill_id: unknown })).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
    await expect(client.skills.update(skillId, { default_version: '7.7.7' })).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
    await expect(client.skills.create({})).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const notZip = await toFile(Buffer.from('not a zip'), 'x.zip');
    await expect(client.skills.create({ files: notZip })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('deletes a skill', async () => {
    expect(await client.skills.delete(skillId)).toEqual({ id: skillId, object: 'skill.deleted', deleted: true });
    await expect(client.skills.retrieve(skillId)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('keeps other organisations out, and refuses a missing token in its envelope', async () => {
    const skill = await client.skills.create({ files: await zipFile('oai-private') });
    const outsider = (await s.as({ user: 'mallory', org: 'globex', role: 'admin' })).openai;
    await expect(outsider.skills.retrieve(skill.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(outsider.skills.content.retrieve(skill.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(outsider.skills.update(skill.id, { default_version: '1.0.0' })).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
    await expect(outsider.skills.delete(skill.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect((await outsider.skills.list()).data.map((x) => x.id)).not.toContain(skill.id);

    const author = (await s.as({ user: 'ann', role: 'author' })).openai;
    await expect(author.skills.update(skill.id, { default_version: '1.0.0' })).rejects.toBeInstanceOf(
      OpenAI.PermissionDeniedError,
    );

    const anonymous = await fetch(`${s.origin}/compat/openai/v1/skills`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { type: 'authentication_error', code: 'invalid_api_key' } });
    const unknownRoute = await fetch(`${s.origin}/compat/openai/v1/nothing`, {
      headers: { authorization: `Bearer ${(await s.as()).token}` },
    });
    expect(unknownRoute.status).toBe(404);
    expect(await unknownRoute.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
