/**
 * Debian's Chromium driven by playwright-core, for the console's end-to-end tests: one headless browser per test
 * file with a fresh profile, screenshots under test-output/console/, and every page error, console error and
 * dialog recorded so a test can assert that nothing ran that should not have.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = resolve(import.meta.dirname, '../../test-output/console');

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors, console errors (CSP violations among them) and answers of 400 or more, in order. */
  problems: string[];
  /** Messages of the dialogs pages opened (each is accepted, as a person confirming would). */
  dialogs: string[];
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function openBrowser(prefix: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'os-chromium-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  context.setDefaultTimeout(20_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // Failed loads are recorded with their URL below.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.accept();
  });
  return {
    context,
    page,
    problems,
    dialogs,
    screenshot: async (name) => {
      await page.screenshot({ path: join(SCREENSHOTS, `${prefix}-${name}.png`), fullPage: true });
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Clicks a button that sends a form and waits for the page it leads to (a redirect, or htmx's HX-Redirect). */
export async function submit(page: Page, button: Locator): Promise<void> {
  const before = page.url();
  await button.click();
  await page.waitForURL((url) => url.href !== before);
  await page.waitForLoadState('load');
}
