/**
 * Anthropic's Skills API as the official `@anthropic-ai/sdk` calls it, against a running server: every method,
 * the error classes its status codes raise, the beta-era download, x-api-key, and other organisations.
 */
import Anthropic, { toFile } from '@anthropic-ai/sdk';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/db.ts';
import { rejection, skillFiles, startCompatServer, versionNumber } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startCompatServer>>;

/** A skill's files as the SDK uploads them: each named by its path under one top-level folder. */
const filesOf = (folder: string, files: Record<string, string | Uint8Array>) =>
  Promise.all(Object.entries(files).map(([path, content]) => toFile(Buffer.from(content), `${folder}/${path}`)));

describe.each(backends)('Anthropic-compatible skills API on %s', (backend) => {
  let s: Server;
  let client: Anthropic;
  let skillId: string;

  beforeAll(async () => {
    s = await startCompatServer(backend);
    client = (await s.as()).anthropic;
  });
  afterAll(() => s.close());

  it('creates a skill from files[] with a display name, and retrieves it', async () => {
    const skill = await client.skills.create({
      files: await filesOf('anth-pdf', skillFiles('anth-pdf', '1.0.0')),
      display_name: 'Anthropic PDF',
    });
    expect(skill).toMatchObject({
      type: 'skill',
      display_name: 'Anthropic PDF',
      source: { type: 'custom' },
    });
    expect(skill.latest_version_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(skill.created_at).toISOString()).toBe(skill.created_at);
    skillId = skill.id;
    const again = await client.skills.retrieve(skillId);
    expect(again).toEqual(skill);
    expect((await client.skills.retrieve('anth-pdf')).id).toBe(skillId);
  });

  it('creates, lists, retrieves and downloads versions', async () => {
    const created = await client.skills.versions.create(skillId, {
      files: await filesOf('anth-pdf', skillFiles('anth-pdf', '1.1.0', '# Better\n')),
    });
    expect(created).toMatchObject({
      type: 'skill_version',
      skill_id: skillId,
      name: 'anth-pdf',
      description: 'The anth-pdf skill, for compat tests',
      version: '1.1.0',
    });
    expect((await client.skills.retrieve(skillId)).latest_version_id).toBe(created.id);
    const listed = [];
    for await (const version of client.skills.versions.list(skillId, { limit: 1 })) listed.push(versionNumber(version));
    expect(listed).toEqual(['1.1.0', '1.0.0']);
    expect(await client.skills.versions.retrieve(created.id, { skill_id: skillId })).toEqual(created);
    expect(versionNumber(await client.skills.versions.retrieve('1.0.0', { skill_id: skillId }))).toBe('1.0.0');

    const response = await client.beta.skills.versions.download('1.1.0', { skill_id: skillId });
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    expect(Object.keys(files).sort()).toEqual(['anth-pdf/SKILL.md', 'anth-pdf/resources/notes.txt']);
    expect(new TextDecoder().decode(files['anth-pdf/SKILL.md'])).toContain('# Better');
  });

  it('raises ConflictError on a duplicate version and NotFoundError on unknown ids', async () => {
    const duplicate = client.skills.versions.create(skillId, {
      files: await filesOf('anth-pdf', skillFiles('anth-pdf', '1.1.0', '# Other content\n')),
    });
    const error = await rejection(duplicate, Anthropic.ConflictError);
    expect(error.status).toBe(409);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect((error.error as { error: { message: string } }).error.message).toContain('1.1.0');

    const unknown = '00000000-0000-4000-8000-000000000000';
    await expect(client.skills.retrieve(unknown)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    await expect(client.skills.versions.retrieve(unknown, { skill_id: skillId })).rejects.toBeInstanceOf(
      Anthropic.NotFoundError,
    );
    await expect(client.skills.versions.retrieve('9.9.9', { skill_id: skillId })).rejects.toBeInstanceOf(
      Anthropic.NotFoundError,
    );
    await expect(client.skills.delete(unknown)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('refuses an invalid SKILL.md and files outside one folder with a 400 in its envelope', async () => {
    const noName = { 'SKILL.md': '---\ndescription: no name\n---\nbody\n' };
    const bad = client.skills.create({ files: await filesOf('broken', noName) });
    const error = await rejection(bad, Anthropic.BadRequestError);
    expect(error.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });

    const twoFolders = [await toFile(Buffer.from('x'), 'a/SKILL.md'), await toFile(Buffer.from('y'), 'b/other.md')];
    await expect(client.skills.create({ files: twoFolders })).rejects.toBeInstanceOf(Anthropic.BadRequestError);
  });

  it('deletes a version, then the skill', async () => {
    const deleted = await client.skills.versions.delete('1.1.0', { skill_id: skillId });
    expect(deleted.type).toBe('skill_version_deleted');
    await expect(client.skills.versions.retrieve(deleted.id, { skill_id: skillId })).rejects.toBeInstanceOf(
      Anthropic.NotFoundError,
    );
    const skill = await client.skills.retrieve(skillId);
    const latest = await client.skills.versions.retrieve(skill.latest_version_id, { skill_id: skillId });
    expect(versionNumber(latest)).toBe('1.0.0');
    // A deleted number is never reused with other content.
    await expect(
      client.skills.versions.create(skillId, {
        files: await filesOf('anth-pdf', skillFiles('anth-pdf', '1.1.0', '# Reused\n')),
      }),
    ).rejects.toBeInstanceOf(Anthropic.ConflictError);

    expect(await client.skills.delete(skillId)).toEqual({ id: skillId, type: 'skill_deleted' });
    await expect(client.skills.retrieve(skillId)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('takes the token in x-api-key, and refuses none with AuthenticationError', async () => {
    const { token } = await s.as();
    const res = await fetch(`${s.origin}/compat/anthropic/v1/skills?limit=1`, { headers: { 'x-api-key': token } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ has_more: expect.any(Boolean), next_page: null });

    const anonymous = await fetch(`${s.origin}/compat/anthropic/v1/skills`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const forged = new Anthropic({ baseURL: `${s.origin}/compat/anthropic`, apiKey: 'not-a-token', maxRetries: 0 });
    await expect(forged.skills.list()).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it('keeps other organisations out and roles in force', async () => {
    const skill = await client.skills.create({ files: await filesOf('anth-private', skillFiles('anth-private')) });
    const outsider = (await s.as({ user: 'mallory', org: 'globex', role: 'admin' })).anthropic;
    await expect(outsider.skills.retrieve(skill.id)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    await expect(outsider.skills.versions.list(skill.id)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    await expect(
      outsider.skills.versions.delete(skill.latest_version_id, { skill_id: skill.id }),
    ).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    await expect(outsider.skills.delete(skill.id)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    const theirs = [];
    for await (const item of outsider.skills.list()) theirs.push(item.id);
    expect(theirs).not.toContain(skill.id);

    const viewer = (await s.as({ user: 'vic', role: 'viewer' })).anthropic;
    await expect(viewer.skills.create({ files: await filesOf('anth-v', skillFiles('anth-v')) })).rejects.toBeInstanceOf(
      Anthropic.PermissionDeniedError,
    );
    await expect(viewer.skills.delete(skill.id)).rejects.toBeInstanceOf(Anthropic.PermissionDeniedError);
    // An author's upload waits as a draft for a publisher: no latest version yet.
    const author = (await s.as({ user: 'ann', role: 'author' })).anthropic;
    const draft = await author.skills.create({ files: await filesOf('anth-draft', skillFiles('anth-draft')) });
    expect(draft.latest_version_id).toBeNull();
    // The author sees and deletes their draft; a deleted draft's number is free again (drafts are replaceable).
    const [version] = (await author.skills.versions.list(draft.id)).data;
    expect(versionNumber(version!)).toBe('1.0.0');
    await expect(viewer.skills.versions.delete(version!.id, { skill_id: draft.id })).rejects.toBeInstanceOf(
      Anthropic.NotFoundError,
    );
    await author.skills.versions.delete(version!.id, { skill_id: draft.id });
    expect((await author.skills.versions.list(draft.id)).data).toEqual([]);
    const redone = await author.skills.versions.create(draft.id, {
      files: await filesOf('anth-draft', skillFiles('anth-draft', '1.0.0', '# Redone\n')),
    });
    expect(versionNumber(redone)).toBe('1.0.0');
  });

  it('audits version deletes and refused requests, with the refusal message', async () => {
    const entries = async (query: string) =>
      ((await (await s.t.request(`/audit?${query}`)).json()) as { data: { action: string; data: unknown }[] }).data;
    expect((await entries('action=version.delete')).map((e) => e.data)).toEqual(
      expect.arrayContaining([{ version: '1.1.0' }, { version: '1.0.0' }]),
    );
    const denied = await entries('actor=vic&action=request.denied');
    expect(denied.map((e) => e.data)).toContainEqual({
      path: '/compat/anthropic/v1/skills',
      detail: expect.stringContaining('Role "viewer" may not create skills'),
    });
  });

  it('refuses an upload over the limit on its Content-Length, in its envelope', async () => {
    const { token } = await s.as();
    const res = await s.t.app.request('/compat/anthropic/v1/skills', {
      method: 'POST',
      headers: { 'x-api-key': token, 'content-type': 'multipart/form-data; boundary=x', 'content-length': '40000000' },
      body: '--x--',
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
  });
});
