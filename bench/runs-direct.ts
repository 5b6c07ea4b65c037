/**
 * Latency of trivial runs straight through the sandbox (no HTTP, no database).
 * Run: node --no-node-snapshot --import tsx bench/runs-direct.ts [runs] [concurrency]
 */

import { availableParallelism } from 'node:os';
import { createSandbox, type SandboxOptions } from '../src/runtime/sandbox.ts';
import type { SandboxHost, SandboxJob } from '../src/runtime/types.ts';
import { TRIVIAL_SKILL } from './bare-isolate.ts';
import { measureConcurrent } from './stats.ts';

export interface RunsBenchResult {
  runs: number;
  concurrency: number;
  p50: number;
  p95: number;
  p99: number;
  runsPerSecond: number;
  failures: number;
}

const host: SandboxHost = {
  readFile: async () => new Uint8Array(0),
  readResource: async () => new Uint8Array(0),
  writeArtifact: async (name, data, mimeType) => ({ id: name, name, size: data.byteLength, mimeType, sha256: '' }),
  fetch: async () => {
    throw new Error('no network in the benchmark');
  },
  callSkill: async () => null,
  log: () => {},
};

function trivialJob(i: number): SandboxJob {
  return {
    runId: `bench-${i}`,
    skill: { id: 'bench', name: 'bench', version: '1.0.0' },
    entrypoint: 'scripts/main.js',
    modules: { 'scripts/main.js': TRIVIAL_SKILL },
    input: { a: i, b: 1 },
    secrets: {},
    limits: {
      memoryMb: 64,
      timeoutMs: 5000,
      cpuMs: 5000,
      maxOutputBytes: 1_000_000,
      maxLogBytes: 100_000,
      maxArtifacts: 10,
      maxArtifactBytes: 10_000_000,
      maxHostCalls: 100,
    },
    deadline: Date.now() + 60_000,
    depth: 0,
  };
}

/** Runs `runs` trivial jobs with `concurrency` in flight; returns latency percentiles in ms. */
export async function benchRunsDirect(
  runs = 2000,
  concurrency = 1,
  options: SandboxOptions = {},
): Promise<RunsBenchResult> {
  const sandbox = createSandbox(options);
  try {
    for (let i = 0; i < 50; i++) await sandbox.execute(trivialJob(i), host); // warm-up: workers, JIT, isolates
    return await measureConcurrent(
      runs,
      concurrency,
      async (i) => (await sandbox.execute(trivialJob(i), host)).status === 'succeeded',
    );
  } finally {
    await sandbox.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const runs = Number(process.argv[2] ?? 2000);
  const concurrency = Number(process.argv[3] ?? 1);
  const r = await benchRunsDirect(runs, concurrency, { size: availableParallelism() });
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  console.log(
    `runs=${r.runs} concurrency=${r.concurrency} p50=${ms(r.p50)} p95=${ms(r.p95)} p99=${ms(r.p99)} ` +
      `runs/s=${r.runsPerSecond.toFixed(0)} failures=${r.failures}`,
  );
}
