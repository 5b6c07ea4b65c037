import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolNameFor } from '../../sdk/src/tool-names.ts';
import type { RunningServer } from '../../src/server.ts';
import { bundleForm, zipOf } from '../helpers/bundles.ts';
import { startTestServer } from '../helpers/server.ts';
import { startFakeOpenAI } from './fake-openai.ts';
import { sdkSkills } from './helpers.ts';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const tsc = join(repo, 'node_modules/typescript/bin/tsc');
/** Packages the scratch scripts use besides the SDK (found through the parent folder, as a monorepo would). */
const TOOLING = ['openai', '@anthropic-ai/sdk', 'ai', '@types/node'];

const STRICT_USE = `import { createOpenSkillsClient, SkillExecutor, SkillRouter, type Run } from '@open-skills/sdk';
const client = createOpenSkillsClient({ baseUrl: 'http://localhost:8000', token: 't' });
// Fields with defaults are optional in requests, as the API takes them.
export const search = () => client.POST('/skills/search', { body: { query: 'merge pdfs', top_k: 3 } });
export const start = () => client.POST('/runs', { body: { skill: 'pdf-merge', input: {} } });
// The types are not \`any\`: what the API refuses, they refuse.
// @ts-expect-error top_k is a number
export const wrongType = () => client.POST('/skills/search', { body: { query: 'x', top_k: 'three' } });
// @ts-expect-error query is required
export const missing = () => client.POST('/skills/search', { body: { top_k: 3 } });
export const router = new SkillRouter({ baseUrl: 'http://localhost:8000' });
export const run = (): Promise<Run> => new SkillExecutor({ baseUrl: 'http://localhost:8000' }).run('x', {});
`;

const tsconfig = (options: Record<string, unknown>, include: string[]) =>
  JSON.stringify({
    compilerOptions: {
      strict: true,
      noUncheckedIndexedAccess: true,
      target: 'ES2023',
      lib: ['ES2023', 'DOM', 'DOM.AsyncIterable'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      noEmit: true,
      ...options,
    },
    include,
  });

/** The complete agent loop of sdk/README.md, as written there. */
function readmeAgentLoop(): string {
  const readme = readFileSync(join(repo, 'sdk/README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## A complete agent loop'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('sdk/README.md has no agent loop');
  return code;
}

/**
 * `npm pack` of sdk/ (its prepack builds dist/), installed from the tarball into an empty project in a temp folder,
 * then checked there with tsc in strict mode: the package alone with its .d.ts checked (skipLibCheck off, no Node.js
 * types), and the scripts that use it with the openai, Anthropic and AI SDK types.
 */
describe('the packed SDK in a scratch project, against a real server', () => {
  const work = mkdtempSync(join(tmpdir(), 'os-sdk-packed-'));
  const project = join(work, 'project');
  let server: RunningServer;
  let token: string;

  beforeAll(async () => {
    const started = await startTestServer(join(work, 'data'));
    server = started.server;
    token = started.token;
    const upload = async (name: string) => {
      const res = await fetch(`${server.url}/skills`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: bundleForm(zipOf(sdkSkills[name]!, name), { publish: 'true' }),
      });
      if (res.status !== 201) throw new Error(`upload of ${name}: ${res.status} ${await res.text()}`);
    };
    const packing = run('npm', ['pack', '--json', '--pack-destination', work], { cwd: join(repo, 'sdk') });
    await Promise.all(Object.keys(sdkSkills).map(upload));

    const [{ filename }] = JSON.parse((await packing).stdout) as [{ filename: string }];
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    await run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(work, filename)],
      { cwd: project },
    );
    for (const name of TOOLING) {
      mkdirSync(dirname(join(work, 'node_modules', name)), { recursive: true });
      symlinkSync(join(repo, 'node_modules', name), join(work, 'node_modules', name), 'dir');
    }
    writeFileSync(join(project, 'check.ts'), readFileSync(join(repo, 'test/sdk/packed/check.ts')));
    writeFileSync(join(project, 'agent-loop.ts'), readmeAgentLoop());
    writeFileSync(join(project, 'tsconfig.json'), tsconfig({ skipLibCheck: true, types: ['node'] }, ['*.ts']));
    // The package alone, every strict option on, its .d.ts checked, no Node.js types (browsers use it too).
    mkdirSync(join(project, 'strict'));
    writeFileSync(join(project, 'strict/index.ts'), STRICT_USE);
    writeFileSync(
      join(project, 'strict/tsconfig.json'),
      tsconfig({ skipLibCheck: false, exactOptionalPropertyTypes: true, types: [] }, ['index.ts']),
    );
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('installs with only its own dependencies, compiled JS and .d.ts', () => {
    const installed = JSON.parse(readFileSync(join(project, 'node_modules/@open-skills/sdk/package.json'), 'utf8'));
    expect(installed.name).toBe('@open-skills/sdk');
    expect(Object.keys(installed.dependencies).sort()).toEqual(['eventsource-parser', 'openapi-fetch']);
    const index = readFileSync(join(project, 'node_modules/@open-skills/sdk/dist/index.d.ts'), 'utf8');
    expect(index).toContain('SkillRouter');
    expect(() => readFileSync(join(project, 'node_modules/@open-skills/sdk/src/index.ts'))).toThrow();
  });

  it('type-checks in strict mode, then searches, builds tools, routes a call, streams and downloads', async () => {
    for (const config of [join(project, 'strict'), project]) {
      const checked = await run('node', [tsc, '-p', config]).catch((e: { stdout: string }) => e);
      expect(checked.stdout).toBe('');
    }

    const env = { ...process.env, OPEN_SKILLS_URL: server.url, OPEN_SKILLS_TOKEN: token };
    const { stdout } = await run('node', ['check.ts'], { cwd: project, env });
    const seen = JSON.parse(stdout);
    expect(seen.hits[0]).toBe('csv-stats');
    expect(seen.openai.sort()).toEqual(['breaker', 'csv-stats', 'shout', toolNameFor('мой-навык')].sort());
    expect(seen.anthropic.find((t: { name: string }) => t.name === 'csv-stats').schema.required).toEqual(['csv']);
    expect(seen.aiSdk).toContain('csv-stats');
    expect(seen.routed.message).toMatchObject({ role: 'tool', tool_call_id: 'call_1' });
    expect(seen.routed.output).toEqual({ rows: 3 });
    expect(seen.events[0]).toBe('status');
    expect(seen.events.at(-1)).toBe('done');
    expect(seen.events).toEqual(expect.arrayContaining(['log', 'artifact']));
    expect(seen.artifact).toEqual({ name: 'summary.txt', text: 'rows: 3', sha256: seen.expectedSha256 });
  });

  it("runs the README's agent loop with the openai package against a fake OpenAI-compatible server", async () => {
    const fake = await startFakeOpenAI([
      (request) => {
        const offered = request.tools.map((t: { function: { name: string } }) => t.function.name);
        if (!offered.includes('shout')) throw new Error(`shout was not offered: ${offered}`);
        return {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_a',
              type: 'function',
              function: { name: 'shout', arguments: '{"input":"hello from open skills"}' },
            },
            { id: 'call_b', type: 'function', function: { name: 'breaker', arguments: '{}' } },
          ],
        };
      },
      (request) => {
        const results = request.messages.filter((m: { role: string }) => m.role === 'tool');
        const shouted = JSON.parse(results.find((m: { tool_call_id: string }) => m.tool_call_id === 'call_a').content);
        return { role: 'assistant', content: `The skill said: ${shouted.output}` };
      },
    ]);
    try {
      const env = {
        ...process.env,
        OPEN_SKILLS_URL: server.url,
        OPEN_SKILLS_TOKEN: token,
        OPENAI_BASE_URL: fake.baseUrl,
        OPENAI_API_KEY: 'test-key',
      };
      const { stdout } = await run('node', ['agent-loop.ts'], { cwd: project, env });
      expect(stdout.trim()).toBe('The skill said: HELLO FROM OPEN SKILLS');

      expect(fake.requests).toHaveLength(2);
      const [first, second] = fake.requests;
      expect(first.messages[0].content).toContain('<available_skills>');
      expect(first.messages[1]).toEqual({ role: 'user', content: 'Shout "hello from open skills" back at me.' });
      const shout = first.tools.find((t: { function: { name: string } }) => t.function.name === 'shout');
      expect(shout.function.parameters).toEqual({
        type: 'object',
        properties: { input: { type: 'string', minLength: 1 } },
        required: ['input'],
      });
      const toolMessages = second.messages.filter((m: { role: string }) => m.role === 'tool');
      expect(toolMessages.map((m: { tool_call_id: string }) => m.tool_call_id)).toEqual(['call_a', 'call_b']);
      expect(toolMessages[1].content).toMatch(/failed: skill_error: broken on purpose$/);
    } finally {
      await fake.close();
    }
  });
});
