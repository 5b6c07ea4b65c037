/**
 * The Node.js that runs sandbox workers when the API itself runs on another runtime (Deno). isolated-vm is a Node
 * addon built on V8's C++ API, so isolates only ever live in Node processes; the API finds a Node 22+ once at start
 * and spawns its workers with it, or, without one, serves everything but runs and says why.
 *
 * @example
 * const node = findWorkerNode(config.NODE_BINARY);
 * const sandbox = node.found ? createSandbox({ nodeBinary: node.path }) : unavailableSandbox(node.reason);
 */
import { execFileSync } from 'node:child_process';
import { failureResult } from './protocol.ts';
import type { ProcessSandbox } from './sandbox.ts';

/** isolated-vm 6 ships binaries for Node 22 and 24. */
export const MIN_WORKER_NODE_MAJOR = 22;

export type WorkerNode = { found: true; path: string; version: string } | { found: false; reason: string };

/**
 * Asks `nodeBinary` (default `node` from PATH) for its version and absolute path. Deno runs a child process named
 * `node` itself when PATH has none, so an answer from Deno counts as no Node.
 */
export function findWorkerNode(nodeBinary?: string): WorkerNode {
  const where = nodeBinary ? `NODE_BINARY (${nodeBinary})` : '`node` on PATH';
  const needs = `skills run in isolated-vm sandbox workers, which need Node.js ${MIN_WORKER_NODE_MAJOR} or newer`;
  const unavailable = (what: string) => ({
    found: false as const,
    reason: `Runs are unavailable on this server: ${what}; ${needs}.`,
  });
  let answer: { node?: unknown; deno?: unknown; path?: unknown };
  try {
    const script =
      'JSON.stringify({ node: process.versions.node, deno: process.versions.deno, path: process.execPath })';
    answer = (JSON.parse(
      execFileSync(nodeBinary ?? 'node', ['-p', script], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 15_000,
      }),
    ) ?? {}) as typeof answer;
  } catch {
    answer = {};
  }
  if (typeof answer.node !== 'string' || typeof answer.path !== 'string' || answer.deno !== undefined) {
    return unavailable(
      nodeBinary
        ? `${where} is not a Node.js that can be run`
        : 'no `node` on PATH and NODE_BINARY is unset (install Node.js 24 LTS, or set NODE_BINARY)',
    );
  }
  if (!(Number(answer.node.split('.')[0]) >= MIN_WORKER_NODE_MAJOR)) {
    return unavailable(`${where} is Node.js ${answer.node}`);
  }
  return { found: true, path: answer.path, version: answer.node };
}

/** A sandbox that runs nothing: the service refuses new runs with `reason` (503) before writing a row. */
export function unavailableSandbox(reason: string): ProcessSandbox {
  return {
    unavailable: reason,
    execute: async () => failureResult('failed', 'infrastructure_error', reason),
    close: async () => {},
    workerPids: () => [],
    queued: () => 0,
  };
}
