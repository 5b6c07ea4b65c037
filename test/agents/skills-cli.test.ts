/**
 * The real `skills` CLI from npm (pinned in devDependencies) installs a public skill from a running server's
 * well-known index into a temporary project, and installs nothing that is not public. Offline apart from the local
 * server: telemetry is switched off and the source is the server's own URL.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.ts';
import { bundleForm, runnableSkill, zipOf } from '../helpers/bundles.ts';
import { startTestServer } from '../helpers/server.ts';

const run = promisify(execFile);
const CLI = join(dirname(createRequire(import.meta.url).resolve('skills/package.json')), 'bin', 'cli.mjs');

describe('npx skills add <server>', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'os-skills-cli-'));
  const project = mkdtempSync(join(tmpdir(), 'os-skills-project-'));
  let server: RunningServer | undefined;
  let base: string;
  let headers: Record<string, string>;

  const upload = async (name: string, visibility: string, extra: Record<string, string> = {}) => {
    const res = await fetch(`${base}/skills`, {
      method: 'POST',
      headers,
      body: bundleForm(zipOf({ ...runnableSkill(name), ...extra }, name), { publish: 'true', visibility }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  };
  const skillsCli = (...args: string[]) =>
    run(process.execPath, [CLI, ...args], {
      cwd: project,
      timeout: 60_000,
      env: { ...process.env, HOME: project, DISABLE_TELEMETRY: '1', DO_NOT_TRACK: '1', CI: '1', NO_COLOR: '1' },
    });

  beforeAll(async () => {
    const started = await startTestServer(dataDir);
    server = started.server;
    base = `http://127.0.0.1:${server.port}`;
    headers = { authorization: `Bearer ${started.token}` };
    await upload('open-notes', 'public', { 'references/guide.md': '# Guide\n\nRead me.\n' });
    await upload('org-notes', 'org');
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  });

  it('lists and installs the public skill, byte for byte, and nothing private', async () => {
    const listed = await skillsCli('add', base, '--list');
    expect(listed.stdout).toContain('open-notes');
    expect(listed.stdout).not.toContain('org-notes');
    await skillsCli('add', base, '--yes', '--agent', 'claude-code', '--copy');
    const installed = join(project, '.claude', 'skills');
    expect(readdirSync(installed)).toEqual(['open-notes']);
    const files = readdirSync(join(installed, 'open-notes'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(join(installed, 'open-notes').length + 1))
      .sort();
    const index = (await (await fetch(`${base}/.well-known/agent-skills/index.json`)).json()) as {
      skills: { name: string; files: string[]; digests: Record<string, string> }[];
    };
    expect(files).toEqual(index.skills[0]!.files);
    for (const path of files) {
      const bytes = readFileSync(join(installed, 'open-notes', path));
      expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`, path).toBe(index.skills[0]!.digests[path]);
    }
    expect(existsSync(join(project, 'skills-lock.json'))).toBe(true);
  });

  it("installs from an organisation's own index (<server>/orgs/<org>)", async () => {
    const listed = await skillsCli('add', `${base}/orgs/default`, '--list');
    expect(listed.stdout).toContain('open-notes');
    expect(listed.stdout).not.toContain('org-notes');
  });
});
