/**
 * What the API on Deno relies on, checked from Node: finding a Node for the workers (or saying why there is none),
 * and workers spawned by path with JSON IPC carrying bytes both ways unchanged.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromJsonMessage, toJsonMessage } from '../../src/runtime/ipc-json.ts';
import { createSandbox, type ProcessSandbox } from '../../src/runtime/sandbox.ts';
import { findWorkerNode, unavailableSandbox } from '../../src/runtime/worker-node.ts';
import { fakeHost, job } from './helpers.ts';

const viaJson = (value: unknown) => fromJsonMessage(JSON.parse(JSON.stringify(toJsonMessage(value))));

describe('JSON IPC messages', () => {
  it('carry byte arrays anywhere in a message and leave undefined members out', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const message = {
      t: 'hostResult',
      value: { body: bytes, list: [new Uint8Array([7]), 'x', null] },
      gone: undefined,
    };
    expect(viaJson(message)).toEqual({
      t: 'hostResult',
      value: { body: bytes, list: [new Uint8Array([7]), 'x', null] },
    });
  });

  it('keep guest-written `$u8` keys as keys, never as bytes, and `__proto__` as an own key', () => {
    const guest = JSON.parse('{"$u8":"AAEC","$$u8":{"$u8":"x"},"__proto__":{"polluted":true},"u8":1}');
    const back = viaJson({ input: guest }) as { input: Record<string, unknown> };
    expect(back.input['$u8']).toBe('AAEC');
    expect(back.input['$$u8']).toEqual({ $u8: 'x' });
    expect(Object.hasOwn(back.input, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(back.input['u8']).toBe(1);
  });
});

describe('findWorkerNode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'os-worker-node-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };

  it('finds this Node by path, with its version', () => {
    expect(findWorkerNode(process.execPath)).toEqual({
      found: true,
      path: process.execPath,
      version: process.versions.node,
    });
  });

  it('says why when NODE_BINARY cannot run, is too old, or is Deno standing in for node', () => {
    const missing = findWorkerNode(join(dir, 'no-such-node'));
    expect(missing).toMatchObject({ found: false });
    expect(!missing.found && missing.reason).toMatch(
      /NODE_BINARY \(.*no-such-node\) is not a Node\.js that can be run/,
    );
    const old = findWorkerNode(script('node20', `echo '{"node":"20.11.1","path":"/usr/bin/node"}'`));
    expect(!old.found && old.reason).toMatch(/is Node\.js 20\.11\.1; .*need Node\.js 22 or newer/);
    const deno = findWorkerNode(script('deno-as-node', `echo '{"node":"24.2.0","deno":"2.9.6","path":"/x/deno"}'`));
    expect(deno.found).toBe(false);
  });

  it('gives a sandbox that refuses to run with the reason', async () => {
    const sandbox = unavailableSandbox('no node here');
    expect(sandbox.unavailable).toBe('no node here');
    const result = await sandbox.execute(job('export default () => 1'), fakeHost());
    expect(result).toMatchObject({
      status: 'failed',
      error: { type: 'infrastructure_error', message: 'no node here' },
    });
  });
});

describe('a sandbox whose workers are spawned by Node path with JSON IPC', () => {
  let sandbox: ProcessSandbox;
  beforeAll(() => {
    sandbox = createSandbox({ size: 1, warmIsolates: 1, nodeBinary: process.execPath });
  });
  afterAll(() => sandbox.close());

  it('reads files and writes artifacts as bytes, and returns guest `$u8` keys as written', async () => {
    const host = fakeHost();
    const code = `export default async (input, ctx) => {
      const text = await ctx.files.readText('in.txt');
      const bytes = new Uint8Array(256);
      for (let i = 0; i < 256; i++) bytes[i] = i;
      const art = await ctx.artifacts.write('all.bin', bytes, { mimeType: 'application/octet-stream' });
      return { text, art: art.name, echo: input.echo };
    }`;
    const echo = { $u8: 'AAEC', nested: [{ $$u8: 'y' }] };
    const result = await sandbox.execute(job(code, { input: { echo } }), host);
    expect(result).toMatchObject({ status: 'succeeded', output: { text: 'content of in.txt', art: 'all.bin', echo } });
    const write = host.calls.find((c) => c.op === 'writeArtifact');
    expect(write?.args[1]).toEqual(Uint8Array.from({ length: 256 }, (_, i) => i));
  });
});
