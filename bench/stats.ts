/** Latency summary helpers shared by the benchmarks. */
export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

export function summarize(latenciesMs: number[]) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99) };
}

export const ms = (value: number) => `${value.toFixed(2)} ms`;

/**
 * Calls `once(i)` for i = 0..runs-1 with `concurrency` calls in flight; returns latency percentiles, throughput
 * and how many calls reported failure (returned false).
 */
export async function measureConcurrent(runs: number, concurrency: number, once: (i: number) => Promise<boolean>) {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < runs) {
        const i = next++;
        const t = performance.now();
        if (!(await once(i))) failures++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { runs, concurrency, ...summarize(latencies), runsPerSecond: runs / seconds, failures };
}
