/**
 * MCP at POST /mcp through the official TypeScript client over HTTP against a running server: every tool, the Skills
 * extension (raw requests where the client has no helper), digests checked against the bytes read, no token
 * refused, and another organisation's caller seeing nothing of acme's.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { createTestApp, publishSkill, type TestApp } from '../helpers/app.ts';
import { skillMd, zipOf } from '../helpers/bundles.ts';
import { backends } from '../helpers/db.ts';
import { codeSkill, type Json } from '../runs/helpers.ts';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/p8ZsyQAAAABJRU5ErkJggg==';
const CHART = `export default async (input: { title: string }, ctx: any) => {
  ctx.log('drawing ' + input.title);
  const png = Uint8Array.from(atob('${PNG}'), (c) => c.charCodeAt(0));
  await ctx.artifacts.write('chart.png', png, { mimeType: 'image/png' });
  await ctx.artifacts.write('notes.txt', 'notes for ' + input.title);
  return { drawn: input.title };
};`;
const BROKEN = "export default async () => { throw new Error('the ledger does not balance'); };";

const Loose = z.looseObject({});
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe.each(backends)('MCP over Streamable HTTP on %s', (backend) => {
  let t: TestApp;
  let server: ReturnType<typeof serve>;
  let base: string;
  const clients: Client[] = [];

  async function connect(token: string | undefined) {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } });
    const client = new Client({ name: 'open-skills-test', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  }
  /** Extension methods are not in the client's request union: sent as raw requests. */
  const raw = (client: Client, method: string, params: Record<string, unknown> = {}): Promise<Json> =>
    client.request({ method, params } as unknown as Parameters<Client['request']>[0], Loose);
  const rpcError = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(McpError);
    return error as McpError;
  };
  const textOf = (result: Json) => result.content.find((c: Json) => c.type === 'text')?.text as string;

  beforeAll(async () => {
    t = await createTestApp(backend);
    await publishSkill(
      t,
      codeSkill(
        'ledger-chart',
        CHART,
        {
          description: 'Draws a chart of a ledger as a PNG image',
          license: 'MIT',
          metadata: { team: 'finance' },
          inputs: [{ name: 'title', type: 'string', required: true }],
        },
        {
          'references/guide.md': '# Guide\n\nUse templates/.\n',
          'templates/plain.md': 'plain\n',
          'templates/fancy/wide.md': 'wide\n',
          'assets/logo.png': Uint8Array.from(Buffer.from(PNG, 'base64')),
          'assets/raw.bin': new Uint8Array([0, 255, 254, 1, 128]),
        },
      ),
      'ledger-chart',
    );
    await publishSkill(
      t,
      codeSkill('ledger-broken', BROKEN, { description: 'Balances a ledger, badly' }),
      'ledger-broken',
    );
    await publishSkill(t, codeSkill('ledger-draft', BROKEN), 'ledger-draft', false);
    await t.indexed();
    server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((ready) => server.once('listening', ready));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await new Promise((done) => server.close(done));
    await t.close();
  });

  it('declares the tools and the Skills extension with directoryRead in the initialize result', async () => {
    const client = await connect(await t.tokenFor('vic', 'acme', 'viewer'));
    const capabilities = client.getServerCapabilities() as Json;
    expect(capabilities.extensions['io.modelcontextprotocol/skills']).toEqual({ directoryRead: true });
    expect(capabilities.resources).toBeDefined();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'read_skill',
      'read_skill_file',
      'run_skill',
      'search_skills',
    ]);
    const search = tools.find((tool) => tool.name === 'search_skills')!;
    expect(Object.keys(search.inputSchema.properties ?? {}).sort()).toEqual([
      'min_confidence',
      'query',
      'tags',
      'top_k',
    ]);
  });

  it('searches, reads level by level, and runs skills through the tools', async () => {
    const client = await connect(await t.tokenFor('vic', 'acme', 'viewer'));
    const found = (await client.callTool({
      name: 'search_skills',
      arguments: { query: 'chart of a ledger', top_k: 2 },
    })) as Json;
    expect(found.isError).toBeFalsy();
    expect(found.structuredContent.skills[0].name).toBe('ledger-chart');
    expect(found.structuredContent.skills.map((s: Json) => s.name)).not.toContain('ledger-draft');
    expect(found.structuredContent.skills[0].confidence).toBeGreaterThanOrEqual(0.5);
    // Nothing in the catalog bakes bread: no skill, rather than the least bad one.
    const offTopic = (await client.callTool({
      name: 'search_skills',
      arguments: { query: 'how long should sourdough bread proof overnight' },
    })) as Json;
    expect(offTopic.isError).toBeFalsy();
    expect(offTopic.structuredContent.skills).toEqual([]);
    expect(offTopic.structuredContent.best_confidence ?? 0).toBeLessThan(0.5);

    const read = (await client.callTool({ name: 'read_skill', arguments: { name: 'ledger-chart' } })) as Json;
    expect(textOf(read)).toContain('Do the thing.');
    expect(textOf(read)).toContain('- templates/fancy/wide.md (5 bytes');

    const guide = (await client.callTool({
      name: 'read_skill_file',
      arguments: { name: 'ledger-chart', path: 'references/guide.md' },
    })) as Json;
    expect(guide.content[0].resource.text).toBe('# Guide\n\nUse templates/.\n');
    const logo = (await client.callTool({
      name: 'read_skill_file',
      arguments: { name: 'ledger-chart', path: 'assets/logo.png' },
    })) as Json;
    expect(logo.content[0]).toMatchObject({ type: 'image', mimeType: 'image/png', data: PNG });
    const absent = (await client.callTool({
      name: 'read_skill_file',
      arguments: { name: 'ledger-chart', path: 'nope.md' },
    })) as Json;
    expect(absent.isError).toBe(true);
    expect(textOf(absent)).toContain('nope.md');

    const ran = (await client.callTool({
      name: 'run_skill',
      arguments: { name: 'ledger-chart', input: { title: 'Q3' } },
    })) as Json;
    expect(ran.isError).toBe(false);
    expect(ran.structuredContent).toMatchObject({ status: 'succeeded', output: { drawn: 'Q3' }, logs: { lines: 1 } });
    expect(ran.structuredContent.logs.last[0]).toContain('drawing Q3');
    const urls = ran.structuredContent.artifacts.map((a: Json) => a.url);
    expect(urls).toHaveLength(2);
    for (const url of urls) expect(url.startsWith(`${base}/artifacts/`)).toBe(true);
    const image = ran.content.find((c: Json) => c.type === 'image');
    expect(image).toMatchObject({ mimeType: 'image/png', data: PNG });
    const download = await fetch(urls[0], {
      headers: { authorization: `Bearer ${await t.tokenFor('vic', 'acme', 'viewer')}` },
    });
    expect(download.status).toBe(200);

    const failed = (await client.callTool({
      name: 'run_skill',
      arguments: { name: 'ledger-broken', input: {} },
    })) as Json;
    expect(failed.isError).toBe(true);
    expect(failed.structuredContent.status).toBe('failed');
    expect(textOf(failed)).toContain('the ledger does not balance');
    const unknown = (await client.callTool({ name: 'read_skill', arguments: { name: 'no-such-skill' } })) as Json;
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toContain('no-such-skill');
    // A draft is not visible to a viewer, as over REST.
    const draft = (await client.callTool({
      name: 'run_skill',
      arguments: { name: 'ledger-draft', version: '1.0.0' },
    })) as Json;
    expect(draft.isError).toBe(true);
  });

  it('lists skills with front matter as written and a manifest whose digests match every resources/read', async () => {
    const client = await connect(await t.tokenFor('vic', 'acme', 'viewer'));
    const listed = await raw(client, 'skills/list');
    expect(listed).toMatchObject({ resultType: 'complete', cacheScope: 'private' });
    expect(listed.ttlMs).toBeGreaterThan(0);
    expect(listed.skills.map((s: Json) => s.uri).sort()).toEqual([
      'skill://ledger-broken/SKILL.md',
      'skill://ledger-chart/SKILL.md',
    ]);
    const entry = listed.skills.find((s: Json) => s.uri === 'skill://ledger-chart/SKILL.md');
    expect(entry.resources.map((r: Json) => r.uri).sort()).toEqual([
      'skill://ledger-chart/SKILL.md',
      'skill://ledger-chart/assets/logo.png',
      'skill://ledger-chart/assets/raw.bin',
      'skill://ledger-chart/references/guide.md',
      'skill://ledger-chart/scripts/main.ts',
      'skill://ledger-chart/templates/fancy/wide.md',
      'skill://ledger-chart/templates/plain.md',
    ]);
    for (const resource of entry.resources) {
      const { contents } = await client.readResource({ uri: resource.uri });
      const content = contents[0] as Json;
      const bytes = 'text' in content ? new TextEncoder().encode(content.text) : Buffer.from(content.blob, 'base64');
      expect(bytes.length, resource.uri).toBe(resource.size);
      expect(sha256(bytes), resource.uri).toBe(resource.digest);
      expect(resource.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      if (resource.uri.endsWith('SKILL.md')) {
        const front = parseYaml(content.text.split('---\n')[1]);
        expect(entry.frontmatter).toEqual(front);
        expect(entry.frontmatter).toMatchObject({
          name: 'ledger-chart',
          license: 'MIT',
          metadata: { team: 'finance' },
        });
      }
    }
    const got = await raw(client, 'skills/get', { uri: 'skill://ledger-chart/SKILL.md' });
    expect(got).toMatchObject({ resultType: 'complete', cacheScope: 'private', skill: entry });
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual([
      'skill://ledger-broken/SKILL.md',
      'skill://ledger-chart/SKILL.md',
    ]);
  });

  it('reads directories one level at a time', async () => {
    const client = await connect(await t.tokenFor('vic', 'acme', 'viewer'));
    const root = await raw(client, 'resources/directory/read', { uri: 'skill://ledger-chart' });
    expect(root.resultType).toBe('complete');
    const byName = Object.fromEntries(root.resources.map((r: Json) => [r.name, r.mimeType]));
    expect(byName).toMatchObject({
      'SKILL.md': 'text/markdown',
      templates: 'inode/directory',
      scripts: 'inode/directory',
    });
    const templates = await raw(client, 'resources/directory/read', { uri: 'skill://ledger-chart/templates' });
    expect(templates.resources).toEqual([
      { uri: 'skill://ledger-chart/templates/fancy', name: 'fancy', mimeType: 'inode/directory' },
      expect.objectContaining({ uri: 'skill://ledger-chart/templates/plain.md', name: 'plain.md', size: 6 }),
    ]);
  });

  it('answers -32602 for unknown skills, files and directories', async () => {
    const client = await connect(await t.tokenFor('vic', 'acme', 'viewer'));
    const cases: [string, Record<string, unknown>][] = [
      ['skills/get', { uri: 'skill://no-such/SKILL.md' }],
      ['skills/get', { uri: 'skill://ledger-chart/references/guide.md' }],
      ['skills/get', { uri: 'https://example.com/SKILL.md' }],
      ['skills/get', { uri: 'skill://ledger-draft/SKILL.md' }],
      ['resources/read', { uri: 'skill://ledger-chart/missing.md' }],
      ['resources/read', { uri: 'skill://ledger-chart/../ledger-draft/SKILL.md' }],
      ['resources/directory/read', { uri: 'skill://ledger-chart/SKILL.md' }],
      ['resources/directory/read', { uri: 'skill://ledger-chart/nothing-here' }],
      ['resources/directory/read', { uri: 'skill://no-such' }],
    ];
    for (const [method, params] of cases) {
      const error = await rpcError(raw(client, method, params));
      expect(error.code, `${method} ${JSON.stringify(params)}`).toBe(ErrorCode.InvalidParams);
    }
  });

  it('refuses a request without a token, or with a bad one', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    for (const authorization of [undefined, 'Bearer not-a-token']) {
      const res = await fetch(`${base}/mcp`, {
        method: 'POST',
        body,
        headers: { ...headers, ...(authorization ? { authorization } : {}) },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    await expect(connect(undefined)).rejects.toThrow(/401/);
    // Stateless: no stream to open with GET, no session to end with DELETE.
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${base}/mcp`, { method, headers: { authorization: `Bearer ${await t.tokenFor()}` } });
      expect(res.status, method).toBe(405);
    }
    // In process: a socket the server closes after an early 413 would break the next test's pooled connection.
    const big = await t.app.request('/mcp', {
      method: 'POST',
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/list',
        params: { pad: 'x'.repeat(2 * 1024 * 1024) },
      }),
      headers: { ...headers, authorization: `Bearer ${await t.tokenFor()}` },
    });
    expect(big.status).toBe(413);
  });

  it('pages skills/list with nextCursor, never splitting or repeating an entry', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 55; i++) {
      files[`paged-${i}/SKILL.md`] = skillMd({ name: `paged-${i}`, description: `Paged skill ${i}`, version: '1.0.0' });
    }
    const body = new FormData();
    body.set('archive', new File([zipOf(files) as Uint8Array<ArrayBuffer>], 'skills.zip'));
    body.set('publish', 'true');
    const imported = await t.request('/skills/import', { method: 'POST', body, as: { user: 'ivy', org: 'initech' } });
    expect(imported.status, await imported.clone().text()).toBe(200);
    const client = await connect(await t.tokenFor('ivy', 'initech', 'viewer'));
    const first = await raw(client, 'skills/list');
    expect(first.skills).toHaveLength(50);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await raw(client, 'skills/list', { cursor: first.nextCursor });
    expect(second.nextCursor).toBeUndefined();
    const names = [...first.skills, ...second.skills].map((s: Json) => s.frontmatter.name);
    expect(new Set(names).size).toBe(55);
    for (const skill of second.skills) expect(skill.resources).toHaveLength(1);
    const bad = await rpcError(raw(client, 'skills/list', { cursor: 'not-a-cursor' }));
    expect(bad.code).toBe(ErrorCode.InvalidParams);
  });

  it("shows another organisation's caller nothing of acme's", async () => {
    const client = await connect(await t.tokenFor('mallory', 'globex', 'admin'));
    expect((await raw(client, 'skills/list')).skills).toEqual([]);
    expect((await client.listResources()).resources).toEqual([]);
    const get = await rpcError(raw(client, 'skills/get', { uri: 'skill://ledger-chart/SKILL.md' }));
    expect(get.code).toBe(ErrorCode.InvalidParams);
    const read = await rpcError(client.readResource({ uri: 'skill://ledger-chart/SKILL.md' }));
    expect(read.code).toBe(ErrorCode.InvalidParams);
    for (const [name, args] of [
      ['read_skill', { name: 'ledger-chart' }],
      ['read_skill_file', { name: 'ledger-chart', path: 'SKILL.md' }],
      ['run_skill', { name: 'ledger-chart', input: { title: 'stolen' } }],
    ] as const) {
      const result = (await client.callTool({ name, arguments: args })) as Json;
      expect(result.isError, name).toBe(true);
      expect(textOf(result)).toContain('not found');
    }
    const found = (await client.callTool({ name: 'search_skills', arguments: { query: 'ledger chart' } })) as Json;
    expect(found.structuredContent.skills).toEqual([]);
  });
});
