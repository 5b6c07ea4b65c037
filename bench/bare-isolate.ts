/**
 * The floor a persisted run is compared with: the same trivial skill in a fresh isolated-vm isolate created in
 * this process (new isolate, context, module compile, evaluate, call, copy the result out, dispose), with no
 * worker process, no host bridge, no HTTP and no database.
 */
import ivm from 'isolated-vm';
import { summarize } from './stats.ts';

export const TRIVIAL_SKILL = 'export default function run(input) { return { sum: input.a + input.b }; }';

/** One run of `source`'s default export in a fresh isolate; returns its JSON output. */
export async function bareIsolateRun(source: string, input: unknown): Promise<string> {
  const isolate = new ivm.Isolate({ memoryLimit: 64 });
  try {
    const context = await isolate.createContext();
    const module = await isolate.compileModule(source, { filename: 'main.js' });
    await module.instantiate(context, async () => {
      throw new Error('no imports');
    });
    await module.evaluate();
    const run = (await module.namespace.get('default', { reference: true })) as ivm.Reference<
      (input: unknown) => unknown
    >;
    const output = await run.apply(undefined, [new ivm.ExternalCopy(input).copyInto()], {
      result: { copy: true },
    });
    return JSON.stringify(output);
  } finally {
    isolate.dispose();
  }
}

/** p50/p95/p99 of `runs` sequential bare fresh-isolate runs (after a warm-up). */
export async function benchBareIsolate(runs: number) {
  for (let i = 0; i < 50; i++) await bareIsolateRun(TRIVIAL_SKILL, { a: i, b: 1 });
  const latencies: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const out = await bareIsolateRun(TRIVIAL_SKILL, { a: i, b: 1 });
    latencies.push(performance.now() - t);
    if (out !== JSON.stringify({ sum: i + 1 })) throw new Error(`bare isolate answered ${out}`);
  }
  return summarize(latencies);
}
