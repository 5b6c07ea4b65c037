import { transformSync } from 'esbuild';
import { HostCallError, type LogLine, type SandboxHost, type SandboxJob } from '../../src/runtime/types.ts';

export const LIMITS: SandboxJob['limits'] = {
  memoryMb: 64,
  timeoutMs: 2000,
  cpuMs: 2000,
  maxOutputBytes: 1_000_000,
  maxLogBytes: 10_000,
  maxArtifacts: 5,
  maxArtifactBytes: 100_000,
  maxHostCalls: 1000,
};

/** A job whose entry `scripts/main.js` is `code`; other modules and limits can be overridden. */
export function job(
  code: string,
  overrides: Partial<Omit<SandboxJob, 'limits'>> & { limits?: Partial<SandboxJob['limits']> } = {},
): SandboxJob {
  const { limits, modules, ...rest } = overrides;
  return {
    runId: 'run-1',
    skill: { id: 'skill-1', name: 'demo', version: '1.2.3' },
    entrypoint: 'scripts/main.js',
    input: { n: 21 },
    secrets: { API_KEY: 'secret-value' },
    deadline: Date.now() + 30_000,
    depth: 0,
    ...rest,
    modules: { 'scripts/main.js': code, ...modules },
    limits: { ...LIMITS, ...limits },
  };
}

/** Transpiles TypeScript like the bundler will: ESM, external source map. */
export function ts(path: string, source: string): { js: string; map: string } {
  const out = transformSync(source, { loader: 'ts', format: 'esm', sourcemap: 'external', sourcefile: path });
  return { js: out.code, map: out.map };
}

export interface FakeHost extends SandboxHost {
  calls: Array<{ op: string; args: unknown[] }>;
  logged: LogLine[];
}

export function fakeHost(): FakeHost {
  const calls: FakeHost['calls'] = [];
  const logged: LogLine[] = [];
  const enc = new TextEncoder();
  return {
    calls,
    logged,
    async readFile(name) {
      calls.push({ op: 'readFile', args: [name] });
      if (name === 'missing.txt') throw new HostCallError('invalid_input', `No file ${name}`);
      return enc.encode(`content of ${name}`);
    },
    async readResource(path) {
      calls.push({ op: 'readResource', args: [path] });
      return enc.encode(`resource ${path}`);
    },
    async writeArtifact(name, data, mimeType) {
      calls.push({ op: 'writeArtifact', args: [name, data, mimeType] });
      return { id: `art-${name}`, name, size: data.byteLength, mimeType, sha256: 'abc' };
    },
    async fetch(request) {
      calls.push({ op: 'fetch', args: [request] });
      if (!request.url.startsWith('https://allowed.example/')) {
        throw new HostCallError('network_denied', `Network access to ${request.url} is not allowed`);
      }
      return {
        url: request.url,
        status: 201,
        statusText: 'Created',
        headers: { 'Content-Type': 'application/json' },
        body: enc.encode(JSON.stringify({ echo: request.method, body: request.body ?? null })),
      };
    },
    async callSkill(name, input, options) {
      calls.push({ op: 'callSkill', args: [name, input, options] });
      return { child: name, input, version: options.version ?? null };
    },
    log(line) {
      logged.push(line);
    },
  };
}
