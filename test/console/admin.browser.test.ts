/**
 * The console end to end, as an admin and then as a viewer: the one-time login link printed at the first start,
 * members (add, change, remove), API tokens (issued and shown once, revoked), secrets, the audit log with filters;
 * then a viewer logged in with the token the admin issued sees no publish, edit or admin control, and the server
 * refuses those actions anyway.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.ts';
import { bundleForm, runnableSkill, zipOf } from '../helpers/bundles.ts';
import { startTestServer } from '../helpers/server.ts';
import { type Browser, openBrowser, submit } from './browser.ts';

describe('the console, administering', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'os-console-admin-'));
  let server: RunningServer;
  let browser: Browser;
  let base: string;
  let viewerToken: string;
  let versionId: string;

  beforeAll(async () => {
    const started = await startTestServer(dataDir);
    server = started.server;
    base = `http://127.0.0.1:${server.port}`;
    const res = await fetch(`${base}/skills`, {
      method: 'POST',
      headers: { authorization: `Bearer ${started.token}` },
      body: bundleForm(zipOf(runnableSkill('echo'), 'echo'), { publish: 'true' }),
    });
    expect(res.status).toBe(201);
    versionId = ((await res.json()) as { version: { id: string } }).version.id;
    browser = await openBrowser('admin');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs in once with the link printed at the first start', async () => {
    const { page } = browser;
    expect(server.loginUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/console\/login\/link\?code=[\w-]{43}$/);
    await page.goto(server.loginUrl!);
    await browser.screenshot('login-link');
    await submit(page, page.getByRole('button', { name: 'Log in' }));
    expect(new URL(page.url()).pathname).toBe('/console');
    expect(await page.locator('.whoami').textContent()).toContain('admin · default');
    // A second use of the same link is refused.
    await page.goto(server.loginUrl!);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('.notice-error').waitFor();
    expect(await page.locator('.notice-error').textContent()).toContain('unknown, used or expired');
  });

  it('adds a member, changes their role and removes them', async () => {
    const { page } = browser;
    await page.goto(`${base}/console/admin`);
    await page.getByLabel('User id').fill('bob');
    await page.locator('#member-role').selectOption('author');
    await page.getByRole('button', { name: 'Save member' }).click();
    await page.locator('.notice-success', { hasText: 'bob added as author' }).waitFor();
    const bob = page.locator('tr[data-member="bob"]');
    expect(await bob.locator('select').inputValue()).toBe('author');
    await bob.locator('select').selectOption('publisher');
    await bob.getByRole('button', { name: 'Change' }).click();
    await page.locator('.notice-success', { hasText: 'bob is now publisher' }).waitFor();
    await browser.screenshot('members');
    await page.locator('tr[data-member="bob"]').getByRole('button', { name: 'Remove' }).click();
    await page.locator('.notice-success', { hasText: 'bob removed' }).waitFor();
    expect(await page.locator('tr[data-member="bob"]').count()).toBe(0);
    expect(browser.dialogs).toEqual(['Remove bob?']);
    // The last admin stays: demoting them is refused beside the form.
    const admin = page.locator('tr[data-member="admin"]');
    await admin.locator('select').selectOption('viewer');
    await admin.getByRole('button', { name: 'Change' }).click();
    await page.locator('.notice-error', { hasText: 'last admin' }).waitFor();
  });

  it('issues a token shown once, and revokes one', async () => {
    const { page } = browser;
    await page.goto(`${base}/console/admin/tokens`);
    await page.getByLabel('Name').fill('vera in the console');
    await page.getByLabel('For user').fill('vera');
    await page.locator('#token-role').selectOption('viewer');
    await page.getByRole('button', { name: 'Issue token' }).click();
    await page.locator('#issued-token').waitFor();
    viewerToken = await page.locator('#issued-token').inputValue();
    expect(viewerToken).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    await browser.screenshot('token-issued');
    // Shown once: the tokens page does not show it again.
    await page.goto(`${base}/console/admin/tokens`);
    expect(await page.locator('#issued-token').count()).toBe(0);
    expect(await page.content()).not.toContain(viewerToken);

    await page.getByLabel('Name').fill('short-lived');
    await page.getByRole('button', { name: 'Issue token' }).click();
    await page.locator('#issued-token').waitFor();
    const row = page.locator('tr', { hasText: 'short-lived' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.locator('.notice-success', { hasText: 'revoked' }).waitFor();
    expect(await page.locator('tr', { hasText: 'short-lived' }).locator('.badge').textContent()).toBe('revoked');
  });

  it('sets and deletes a secret, and filters the audit log', async () => {
    const { page } = browser;
    await page.goto(`${base}/console/admin/secrets`);
    await page.getByLabel('Name').fill('API_KEY');
    await page.getByLabel('Value').fill('s3cret-value');
    await page.getByRole('button', { name: 'Save secret' }).click();
    await page.locator('tr[data-secret="API_KEY"]').waitFor();
    expect(await page.content()).not.toContain('s3cret-value');
    await browser.screenshot('secrets');
    await page.locator('tr[data-secret="API_KEY"]').getByRole('button', { name: 'Delete' }).click();
    await page.locator('.notice-success', { hasText: 'API_KEY deleted' }).waitFor();

    await page.goto(`${base}/console/admin/audit`);
    await page.getByLabel('Action').fill('member.*');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=member/);
    const actions = await page.locator('table.audit tbody td:nth-child(3)').allTextContents();
    // Newest first: vera became a member when her token was issued; bob came and went; the first admin at start.
    expect(actions).toEqual(['member.add', 'member.remove', 'member.role_change', 'member.add', 'member.add']);
    await browser.screenshot('audit');
  });

  it('as a viewer, shows no publish, edit or admin control, and the server refuses them', async () => {
    const { page } = browser;
    await page.goto(`${base}/console`);
    await submit(page, page.getByRole('button', { name: 'Log out' }));
    await page.getByLabel('Token').fill(viewerToken);
    await submit(page, page.getByRole('button', { name: 'Log in' }));
    expect(await page.locator('.whoami').textContent()).toContain('vera · default · viewer');
    expect(await page.locator('.topbar nav').textContent()).not.toContain('Admin');
    await page.goto(`${base}/console/skills`);
    expect(await page.getByRole('link', { name: 'New skill' }).count()).toBe(0);
    await page.goto(`${base}/console/skills/echo`);
    for (const name of ['Publish', 'Deprecate', 'Save details', 'Upload version', 'Save as a new version']) {
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    }
    expect(await page.locator('#edit').count()).toBe(0);
    expect(await page.locator('#try-it').count()).toBe(1);
    await browser.screenshot('viewer-skill');

    const admin = await page.goto(`${base}/console/admin`);
    expect(admin?.status()).toBe(403);
    expect(await page.locator('h1').textContent()).toBe('Not allowed');
    await browser.screenshot('viewer-admin-refused');

    // The controls are missing, and the routes refuse a viewer even with a valid form.
    const csrf = await page.locator('input[name=_csrf]').first().inputValue();
    const refused = await page.evaluate(
      async ({ csrf, versionId }) => {
        const post = async (path: string, fields: Record<string, string>) => {
          const body = new URLSearchParams({ _csrf: csrf, ...fields });
          return (await fetch(path, { method: 'POST', body })).status;
        };
        return [
          await post(`/console/versions/${versionId}/deprecate`, {}),
          await post('/console/skills/echo/details', { description: 'mine now', tags: '', visibility: 'org' }),
          await post('/console/admin/members', { user: 'vera', role: 'admin' }),
          await post('/console/admin/tokens', { name: 'escalate', role: 'admin' }),
        ];
      },
      { csrf, versionId },
    );
    expect(refused).toEqual([403, 403, 403, 403]);
  });
});
