/**
 * The console end to end, as a person authoring skills: log in with a token, upload a bundle, publish it, run it
 * from Try it and watch its log arrive live and its artifact appear, edit SKILL.md into a new version, upload a
 * folder, find the skill by search, see the run on the dashboard and the runs page, open a composed run's graph,
 * and open a hostile skill without anything running.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.ts';
import { type FileMap, skillMd, zipOf } from '../helpers/bundles.ts';
import { startTestServer } from '../helpers/server.ts';
import { type Browser, openBrowser, submit } from './browser.ts';

const GREETER: FileMap = {
  'SKILL.md': skillMd(
    [
      'name: greeter',
      'description: Greets someone by name and draws the greeting as a card (SVG) and a text file.',
      'version: 1.0.0',
      'entrypoint: scripts/main.ts',
      'tags: [greeting, demo]',
      'inputs:',
      '  - { name: name, type: string, required: true, description: Who to greet }',
      '  - { name: note, type: file, description: A text file whose first line is added }',
      'outputs:',
      '  - { name: greeting, type: string }',
    ].join('\n'),
    '# Greeter\n\nGreets **someone**. The card template is in [card.txt](resources/card.txt).\n',
  ),
  'scripts/main.ts': `export default async function run(input: { name: string; note?: string }, ctx: any) {
  ctx.log(\`greeting \${input.name}\`);
  // Busy for a moment, so the log line reaches the browser while the run is still going on.
  const started = Date.now();
  while (Date.now() - started < 1500) {}
  const extra = input.note ? (await ctx.files.readText(input.note)).split('\\n')[0] : '';
  const greeting = \`Hello, \${input.name}!\${extra ? \` \${extra}\` : ''}\`;
  await ctx.artifacts.write('card.svg', \`<svg xmlns="http://www.w3.org/2000/svg" width="240" height="60"><rect width="240" height="60" fill="#eef"/><text x="12" y="36">\${greeting}</text></svg>\`, { mimeType: 'image/svg+xml' });
  await ctx.artifacts.write('greeting.txt', greeting, { mimeType: 'text/plain' });
  console.warn('card written');
  return { greeting };
}
`,
  'resources/card.txt': 'Hello, {name}!\n',
};

const HOSTILE_DESCRIPTION = 'Looks harmless <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>';
const HOSTILE_INSTRUCTIONS = [
  '# Totally safe',
  '',
  '<script>window.__pwned = 3</script>',
  '<img src="x" onerror="window.__pwned = 4">',
  '[click me](javascript:window.__pwned=5)',
  '<a href="javascript:window.__pwned=6">or me</a>',
  '<svg onload="window.__pwned=7"></svg>',
  '<iframe src="javascript:window.__pwned=8"></iframe>',
  '',
].join('\n\n');

describe('the console, authoring', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'os-console-author-'));
  const folder = mkdtempSync(join(tmpdir(), 'os-console-folder-'));
  let server: RunningServer;
  let token: string;
  let browser: Browser;
  let base: string;

  const api = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    const res = await fetch(`${base}${path}`, { ...init, headers });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };

  beforeAll(async () => {
    ({ server, token } = await startTestServer(dataDir));
    base = `http://127.0.0.1:${server.port}`;
    browser = await openBrowser('author');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  });

  it('logs in with a token, from / to the dashboard', async () => {
    const { page } = browser;
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await browser.screenshot('login');
    await page.getByLabel('Token').fill('not-a-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('#token-errors').waitFor();
    expect(await page.locator('#token-errors').textContent()).toMatch(/malformed/);
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${base}/console`);
    expect(await page.locator('h1').textContent()).toBe('Dashboard');
    const cookie = (await browser.context.cookies()).find((c) => c.name === 'os_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
  });

  it('uploads a bundle, shows its errors beside the field, and publishes it', async () => {
    const { page } = browser;
    await page.goto(`${base}/console/skills`);
    await page.locator('.empty').waitFor();
    await browser.screenshot('skills-empty');
    await page.locator('h1').getByRole('link', { name: 'New skill' }).click();
    await page.waitForURL(`${base}/console/skills/new`);
    // An archive whose SKILL.md has no name: the problem is shown beside the bundle field.
    const broken = { ...GREETER, 'SKILL.md': skillMd({ description: 'no name' }) };
    await page.setInputFiles('#bundle', {
      name: 'broken.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from(zipOf(broken)),
    });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.locator('#bundle-errors').waitFor();
    expect(await page.locator('#bundle-errors').textContent()).toContain('SKILL.md#name');
    await browser.screenshot('upload-errors');

    const zip = Buffer.from(zipOf(GREETER, 'greeter'));
    await page.setInputFiles('#bundle', { name: 'greeter.zip', mimeType: 'application/zip', buffer: zip });
    await submit(page, page.getByRole('button', { name: 'Upload', exact: true }));
    expect(page.url()).toMatch(/\/console\/skills\/greeter\?/);
    expect(await page.locator('.notice-success').textContent()).toContain('Uploaded');
    expect(await page.locator('#versions .badge').first().textContent()).toBe('draft');
    // The instructions are rendered Markdown; a link to a bundle file opens it in the viewer.
    expect(await page.locator('#instructions strong').textContent()).toBe('someone');
    await page.locator('#instructions a', { hasText: 'card.txt' }).click();
    await page.locator('#file-viewer pre').waitFor();
    expect(await page.locator('#file-viewer pre').textContent()).toBe('Hello, {name}!\n');

    await submit(page, page.getByRole('button', { name: 'Publish' }));
    expect(page.url()).toContain('notice=published');
    expect(await page.locator('#versions .badge').first().textContent()).toBe('published');
    await browser.screenshot('skill-published');
  });

  it('runs it from Try it: the log line arrives live, then the output and the artifacts', async () => {
    const { page } = browser;
    await page.getByLabel(/^name/).fill('Ada');
    await page.setInputFiles('#try-1', {
      name: 'note.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('from a file\nsecond line'),
    });
    await page.getByRole('button', { name: 'Run 1.0.0' }).click();
    // While the run goes on, its panel follows the event stream (data-events) and shows the log line.
    await page.locator('#try-result [data-events] .log', { hasText: 'greeting Ada' }).waitFor();
    // Then the panel is replaced by the outcome: output, logs by level, the artifacts with previews.
    await page.locator('#try-result .json').waitFor();
    expect(await page.locator('#try-result .json').textContent()).toContain('Hello, Ada! from a file');
    expect(await page.locator('#try-result .log-warn').textContent()).toContain('card written');
    const links = page.locator('#try-result .artifact a');
    expect(await links.allTextContents()).toEqual(['card.svg', 'greeting.txt']);
    await page.locator('#try-result img.preview').waitFor();
    expect(await page.locator('#try-result img.preview').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(
      240,
    );
    expect(await page.locator('#try-result pre.preview').textContent()).toBe('Hello, Ada! from a file');
    await browser.screenshot('try-it');
  });

  it('makes a new version from an edited SKILL.md and from a folder', async () => {
    const { page } = browser;
    await page.getByText('New version from SKILL.md').click();
    const text = await page.locator('#skill-md').inputValue();
    await page.locator('#skill-md').fill(text.replace('Greets **someone**', 'Greets **anyone**'));
    expect(await page.locator('#new-version').inputValue()).toBe('1.0.1');
    await submit(page, page.getByRole('button', { name: 'Save as a new version' }));
    expect(await page.locator('#instructions strong').textContent()).toBe('anyone');

    for (const [path, content] of Object.entries(GREETER)) {
      mkdirSync(dirname(join(folder, 'greeter', path)), { recursive: true });
      writeFileSync(join(folder, 'greeter', path), content);
    }
    await page.getByText('Upload a new version').click();
    await page.setInputFiles('#upload-form #folder', join(folder, 'greeter'));
    await page.locator('#upload-form #version').fill('1.1.0');
    await submit(page, page.getByRole('button', { name: 'Upload version' }));
    const versions = await page.locator('#versions tbody td:first-child a').allTextContents();
    expect(versions).toEqual(['1.1.0', '1.0.1', '1.0.0']);
    expect(await page.locator('#files .file-tree').textContent()).toContain('main.ts');
  });

  it('finds the skill by search as one types', async () => {
    const { page } = browser;
    await page.goto(`${base}/console/skills`);
    await page.getByLabel('Search skills').pressSequentially('greeting card', { delay: 20 });
    await page.waitForURL(/q=greeting/);
    await page.locator('#skill-results .skill-name', { hasText: 'greeter' }).waitFor();
    expect(await page.locator('#skill-results').textContent()).toContain('Best matches');
    await browser.screenshot('skills-search');
  });

  it('shows the run on the dashboard and the runs page, and the run page with logs and artifacts', async () => {
    const { page } = browser;
    await page.goto(`${base}/console`);
    expect(await page.locator('.figure').nth(1).locator('.figure-value').textContent()).toBe('1');
    await page.locator('svg.runs-chart rect.fill-succeeded').waitFor();
    expect(await page.locator('table.runs tbody tr').first().textContent()).toContain('greeter');
    await browser.screenshot('dashboard');

    await page.goto(`${base}/console/runs`);
    await page.locator('table.runs tbody tr').first().waitFor();
    await page.locator('select[name=status]').selectOption('failed');
    await page.locator('#run-results .empty').waitFor();
    await page.locator('select[name=status]').selectOption('succeeded');
    await page.locator('#run-results table.runs').waitFor();
    await browser.screenshot('runs');
    await page.locator('table.runs tbody tr a').first().click();
    await page.waitForURL(/\/console\/runs\/[0-9a-f-]{36}$/);
    expect(await page.locator('.log-info').first().textContent()).toContain('greeting Ada');
    expect(await page.locator('.artifact a').first().getAttribute('href')).toMatch(/^\/console\/artifacts\//);
    await browser.screenshot('run');
  });

  it("draws a composed run's graph", async () => {
    const { page } = browser;
    const parallel = await api('/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ parallel: [{ skill: 'greeter' }, { skill: 'greeter' }], input: { name: 'Grace' } }),
    });
    await page.goto(`${base}/console/runs/${parallel.id}`);
    await page.locator('svg.composition').waitFor();
    expect(await page.locator('svg.composition .node').count()).toBe(3);
    expect(await page.locator('svg.composition .node.status-succeeded').count()).toBe(3);
    expect(await page.locator('svg.composition .node-name').allTextContents()).toEqual([
      'greeter',
      'greeter',
      'parallel',
    ]);
    await browser.screenshot('composed-run');
    await page.locator('svg.composition a').first().click();
    await page.waitForURL(/\/console\/runs\//);
    expect(await page.locator('.facts').textContent()).toContain('Part of');
  });

  it('shows a hostile skill without running anything it carries', async () => {
    const { page, problems, dialogs } = browser;
    const files: FileMap = {
      'SKILL.md': skillMd(
        { name: 'hostile', description: HOSTILE_DESCRIPTION, version: '1.0.0' },
        HOSTILE_INSTRUCTIONS,
      ),
    };
    const form = new FormData();
    form.set('bundle', new File([zipOf(files, 'hostile') as Uint8Array<ArrayBuffer>], 'hostile.zip'));
    form.set('publish', 'true');
    await api('/skills', { method: 'POST', body: form });
    const before = problems.length;
    await page.goto(`${base}/console/skills/hostile`);
    await page.goto(`${base}/console/skills?q=harmless`);
    await page.locator('#skill-results .skill-name', { hasText: 'hostile' }).waitFor();
    await page.goto(`${base}/console/skills/hostile`);
    await page.locator('#instructions a', { hasText: 'click me' }).click();
    await page.locator('#instructions a', { hasText: 'or me' }).click();
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    // The description is text, the instructions carry no script, handler or javascript: URL.
    expect(await page.locator('.description').textContent()).toBe(HOSTILE_DESCRIPTION);
    const markup = await page.locator('#instructions .markdown').innerHTML();
    expect(markup).not.toMatch(/<script|onerror|onload|javascript:|<iframe/i);
    expect(problems.slice(before)).toEqual([]);
    expect(problems.filter((p) => /Content Security Policy/i.test(p))).toEqual([]);
    await browser.screenshot('hostile-skill');
  });

  it('logs out', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/console\/login\?out=1/);
    await page.goto(`${base}/console/runs`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    // Only the statuses this test caused on purpose (the broken upload's 422), and no script error or CSP report.
    expect(browser.problems).toEqual(['401 /console/login', '422 /console/skills/new']);
    expect(readFileSync(join(dataDir, 'admin-token'), 'utf8')).toBe(token);
  });
});
