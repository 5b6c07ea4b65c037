/**
 * The API on Deno (`deno task start`, with the Deno binary npm installed), the sandbox on Node: the whole path a
 * user takes through HTTP with the embedded database, then the same server with no Node on PATH, which still
 * serves everything but runs and says why.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { denoBinary } from '../../scripts/deno.ts';
import { bundleForm, skillMd, zipOf } from '../helpers/bundles.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** The Deno binary, or why this machine cannot run it (the only reason these tests skip). */
function findDeno(): { binary?: string; why?: string } {
  try {
    const binary = denoBinary();
    const probe = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    if (probe.status === 0) return { binary };
    return { why: `${binary} --version failed: ${probe.error?.message ?? probe.stderr}` };
  } catch (error) {
    return { why: (error as Error).message };
  }
}

const deno = findDeno();
if (deno.why) process.stderr.write(`Deno tests skipped: Deno cannot run on this machine: ${deno.why}\n`);

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field.
type Json = any;

async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `deno task start` in its own process group, on a free port, with the embedded database in a fresh folder. */
async function startOnDeno(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'os-deno-'));
  const {
    OPEN_SKILLS_URL: _u,
    OPEN_SKILLS_TOKEN: _t,
    NODE_BINARY: _n,
    npm_lifecycle_event: _l,
    ...inherited
  } = process.env;
  let output = '';
  const child: ChildProcess = spawn(deno.binary!, ['task', 'start'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...inherited,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOAD_EXAMPLES: 'false',
      RUN_WORKERS: '1',
      LOG_LEVEL: 'warn',
      NO_COLOR: '1',
      ...env,
    },
  });
  for (const stream of [child.stdout, child.stderr]) stream?.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  // The address is written once it listens, the admin token just after.
  const [urlFile, tokenFile] = [join(dataDir, 'server-url'), join(dataDir, 'admin-token')];
  // The whole group (deno task, the server, its workers) is signalled, so nothing outlives the test.
  const stop = async () => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  // Generous: two Deno servers start at once, on a loaded CI machine (the hook allows 120 s).
  const started = await until(
    'the Deno server',
    () => (existsSync(tokenFile) ? true : child.exitCode === null ? undefined : false),
    110_000,
  ).catch(async (error: Error) => {
    await stop();
    throw new Error(`${error.message}: ${output}`);
  });
  if (!started) throw new Error(`the Deno server exited: ${output}`);
  const url = readFileSync(urlFile, 'utf8').trim();
  const token = readFileSync(tokenFile, 'utf8').trim();
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  return { url, api, stop, output: () => output };
}

// Every byte value, so the JSON IPC between Deno and the Node worker is shown to carry bytes unchanged.
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);

const SKILL = {
  'SKILL.md': skillMd({
    name: 'deno-report',
    description: 'Turns an uploaded CSV into an uppercase report file',
    version: '1.0.0',
    entrypoint: 'scripts/main.ts',
    tags: ['csv', 'report'],
    inputs: [{ name: 'file', type: 'file', required: true }],
  }),
  'scripts/main.ts': [
    'export default async function run(input: { file: string; echo: unknown }, ctx: any) {',
    '  const text = await ctx.files.readText(input.file);',
    '  const raw = await ctx.files.read("raw.bin");',
    "  const header = await ctx.resources.readText('resources/header.txt');",
    "  const report = await ctx.artifacts.write('report.txt', header.trim() + ' ' + text.toUpperCase());",
    "  await ctx.artifacts.write('raw.bin', raw, { mimeType: 'application/octet-stream' });",
    '  return { report: report.name, bytes: raw.length, echo: input.echo};',
    '}',
  ].join('\n'),
  'resources/header.txt': 'REPORT:\n',
};

describe.skipIf(!deno.binary)('the API on Deno', () => {
  type Server = Awaited<ReturnType<typeof startOnDeno>>;
  let server: Server;
  let withoutNode: Server;
  beforeAll(async () => {
    // Both start at once (start-up is most of this file's time). The first finds Node on PATH, as a user's machine
    // has it (this test's own Node first); the second has none.
    const [first, second] = await Promise.allSettled([
      startOnDeno({ PATH: `${dirname(process.execPath)}:${process.env['PATH'] ?? ''}` }),
      startOnDeno({ PATH: mkdtempSync(join(tmpdir(), 'os-no-node-')) }),
    ]);
    // One that started is kept for afterAll to stop even when the other failed.
    if (first.status === 'fulfilled') server = first.value;
    if (second.status === 'fulfilled') withoutNode = second.value;
    for (const result of [first, second]) if (result.status === 'rejected') throw result.reason;
  });
  afterAll(() => Promise.all([server?.stop(), withoutNode?.stop()]));

  it('with Node on PATH, is ready, stores, publishes, finds and runs a skill, and serves its artifacts', async () => {
    const ready = await server.api('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'pglite', pending_migrations: [], starting: [] });
    // The API reference (its bundle gzipped by CompressionStream) and the console are served too.
    const bundle = await fetch(`${server.url}/docs/assets/standalone.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(bundle.headers.get('content-encoding')).toBe('gzip');
    expect((await bundle.text()).length).toBeGreaterThan(1_000_000);
    const login = await fetch(`${server.url}/console/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('<form');

    const uploaded = await server.api('/skills', { method: 'POST', body: bundleForm(zipOf(SKILL, 'deno-report')) });
    expect(uploaded.status).toBe(201);
    const { version } = (await uploaded.json()) as Json;
    expect(version.status).toBe('draft');
    const published = await server.api(`/skill-versions/${version.id}/publish`, { method: 'POST' });
    expect(published.status).toBe(200);
    expect(((await published.json()) as Json).status).toBe('published');

    const hits = await until('the skill in search results', async () => {
      const res = await server.api('/skills/search', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'uppercase report from a csv file' }),
      });
      const body = (await res.json()) as Json;
      return body.results?.length > 0 ? body.results : undefined;
    });
    expect(hits[0].skill.name).toBe('deno-report');

    const form = new FormData();
    // A guest-written `$u8` key must come back as it was, not as bytes.
    const echo = { $u8: 'AAEC', $$u8: 1, list: [{ $u8: 'x' }] };
    form.set('request', JSON.stringify({ skill: 'deno-report', input: { file: 'data.csv', echo } }));
    form.set('data.csv', new File(['a,b\n1,2'], 'data.csv', { type: 'text/csv' }));
    form.set('raw.bin', new File([ALL_BYTES], 'raw.bin', { type: 'application/octet-stream' }));
    const ran = await server.api('/runs', { method: 'POST', body: form });
    const run = (await ran.json()) as Json;
    expect(ran.status, JSON.stringify(run)).toBe(201);
    expect(run).toMatchObject({ status: 'succeeded', output: { report: 'report.txt', bytes: 256, echo } });

    const byName = Object.fromEntries(run.artifacts.map((a: Json) => [a.name, a]));
    const report = await server.api(byName['report.txt'].url);
    expect(report.status).toBe(200);
    expect(await report.text()).toBe('REPORT: A,B\n1,2');
    const raw = await server.api(byName['raw.bin'].url);
    expect(new Uint8Array(await raw.arrayBuffer())).toEqual(ALL_BYTES);
    expect(byName['raw.bin'].sha256).toBe(createHash('sha256').update(ALL_BYTES).digest('hex'));
  });

  it('with no Node on PATH, serves the API, says in /readyz why runs are unavailable and answers POST /runs with 503', async () => {
    const ready = await withoutNode.api('/readyz');
    expect(ready.status).toBe(200);
    const readiness = (await ready.json()) as Json;
    expect(readiness).toMatchObject({ status: 'ready', database: 'pglite' });
    expect(readiness.runs_unavailable).toMatch(/no `node` on PATH and NODE_BINARY is unset.*Node\.js 22 or newer/);

    const uploaded = await withoutNode.api('/skills', {
      method: 'POST',
      body: bundleForm(zipOf(SKILL, 'deno-report'), { publish: 'true' }),
    });
    expect(uploaded.status).toBe(201);

    const ran = await withoutNode.api('/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ skill: 'deno-report', input: { file: 'x' } }),
    });
    expect(ran.status).toBe(503);
    expect(ran.headers.get('content-type')).toContain('application/problem+json');
    expect(await ran.json()).toMatchObject({ status: 503, detail: readiness.runs_unavailable });
    // Refused before a run row was written.
    expect(((await (await withoutNode.api('/runs')).json()) as Json).data).toEqual([]);
  });
});
