import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.ts';
import { startTestServer } from '../helpers/server.ts';
import { cli, tempDir } from './helpers.ts';

// The embedded dev server: its first admin is a member holding a recorded token; the CLI manages tokens through it.
describe('open-skills token against a real server', () => {
  let server: RunningServer;
  let auth: string[];
  let adminToken: string;
  const work = tempDir();
  const dataDir = join(work, 'data');

  beforeAll(async () => {
    const started = await startTestServer(dataDir);
    server = started.server;
    adminToken = started.token;
    auth = ['--url', server.url, '--token', adminToken];
  });
  afterAll(() => server?.close());

  it('bootstraps the first admin as a member with a listed, 0600 token of the maximum lifetime', async () => {
    expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
    const payload = JSON.parse(Buffer.from(adminToken.split('.')[1]!, 'base64url').toString());
    expect(payload).toMatchObject({ sub: 'admin', org: 'default' });
    expect(payload.role).toBeUndefined();
    expect(payload.exp - payload.iat).toBe(90 * 24 * 3600);
    const listed = await cli('token', 'list', '--json', ...auth);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).data).toEqual([
      expect.objectContaining({ id: payload.jti, user_id: 'admin', role: 'admin', status: 'active' }),
    ]);
  });

  it('creates a token (printed once, alone on stdout), lists it and revokes it', async () => {
    const created = await cli('token', 'create', '--name', 'ci', '--role', 'viewer', '--days', '7', ...auth);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    expect(created.stderr).toMatch(/Token "ci" \(.+\) for admin, role viewer, expires .*shown only now/s);
    const me = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ user_id: 'admin', role: 'viewer' });

    const table = await cli('token', 'list', ...auth);
    expect(table.stdout).toMatch(/ID\s+NAME\s+USER\s+ROLE\s+STATUS\s+EXPIRES\s+LAST USED/);
    expect(table.stdout).toMatch(/ci\s+admin\s+viewer\s+active/);
    const id = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti;
    const revoked = await cli('token', 'revoke', id, ...auth);
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked token ${id}\n` });
    const refused = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
  });

  it('explains mistakes: usage errors exit 2, refusals exit 1', async () => {
    expect((await cli('token', 'create', ...auth)).code).toBe(2);
    expect((await cli('token', 'create', '--name', 'x', '--role', 'root', ...auth)).code).toBe(2);
    expect((await cli('token', 'create', '--name', 'x', '--days', '0', ...auth)).code).toBe(2);
    expect((await cli('token', 'frobnicate', ...auth)).code).toBe(2);
    const tooLong = await cli('token', 'create', '--name', 'x', '--days', '120', ...auth);
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toMatch(/400 A token may live at most 90 days/);
    const unknown = await cli('token', 'revoke', '019a8a47-9000-7000-9000-00000000000a', ...auth);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/404/);
  });

  it('replaces a saved admin token that has aged out when the server starts again', async () => {
    await server.close();
    // A token from an older version: a role claim and a 365-day lifetime, longer than now allowed.
    const secret = new TextEncoder().encode(readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim());
    const now = Math.floor(Date.now() / 1000);
    const old = await new SignJWT({ org: 'default', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('admin')
      .setJti('old')
      .setIssuedAt(now)
      .setExpirationTime(now + 365 * 24 * 3600)
      .sign(secret);
    writeFileSync(join(dataDir, 'admin-token'), old);
    const restarted = await startTestServer(dataDir);
    server = restarted.server;
    expect(restarted.token).not.toBe(old);
    const me = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${restarted.token}` } });
    expect(await me.json()).toMatchObject({ user_id: 'admin', role: 'admin' });
  });
});
