/**
 * Benign runs under a hostile mix: one org runs a small benign skill in a closed loop while another org sends
 * hostile requests (one of each class of issue 10, in turn) at a tenth of the total request rate. Prints the benign
 * success rate, benign p50/p95 quiet (benign only) and mixed, the API process's largest event-loop delay, and the
 * peak RSS of the server process and of the sandbox workers (against their ceiling).
 * Run: npm run bench:hostile -- [seconds per phase = 20] [benign clients = 4]
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { serve } from '@hono/node-server';
import { zipSync } from 'fflate';
import { deflatedZeros, rawZip } from '../test/helpers/raw-zip.ts';
import { createBenchApp } from './app.ts';
import { summarize } from './stats.ts';

const seconds = Number(process.argv[2] ?? 20);
const clients = Number(process.argv[3] ?? 4);
const WORKER_RSS_MB = 1024;
const enc = new TextEncoder();

/** The hostile skills: name -> [code, SKILL.md extras, input]. */
const HOSTILE: Record<string, [string, string, unknown]> = {
  spin: ['export default () => { for (;;) {} };', 'timeout_ms: 400', {}],
  'heap-bomb': [
    'export default () => { const a = []; for (;;) a.push("x".repeat(64) + a.length); };',
    'memory_mb: 32',
    {},
  ],
  'buffer-bomb': [
    'export default () => { const a = []; for (;;) a.push(new ArrayBuffer(1 << 20)); };',
    'memory_mb: 32',
    {},
  ],
  'wasm-bomb': ['export default () => { for (;;) new WebAssembly.Memory({ initial: 16000 }); };', 'memory_mb: 16', {}],
  'never-resolves': ['export default () => new Promise(() => {});', 'timeout_ms: 400', {}],
  'fan-out': [
    'export default async (i, ctx) => { for (;;) await ctx.callSkill("echo", { n: 1 }); };',
    'timeout_ms: 2000',
    {},
  ],
  'leaves-children': [
    'export default (i, ctx) => { for (let n = 0; n < 4; n++) ctx.callSkill("spin", {}).catch(() => {}); return 1; };',
    '',
    {},
  ],
  redos: [
    'export default () => 1;',
    'input_schema:\n  type: object\n  properties:\n    s: { type: string, pattern: "^(a+)+$" }',
    { s: `${'a'.repeat(50_000)}!` },
  ],
  'nul-output': ['export default () => ({ t: "a\\u0000b" });', '', {}],
  'loud-error': ['export default () => { throw new Error("e".repeat(5_000_000)); };', 'memory_mb: 64', {}],
  'late-writes': [
    'export default (i, ctx) => { for (let n = 0; n < 5; n++) ctx.artifacts.write("a" + n, new Uint8Array(100000), { mimeType: "x/y\\r\\nz: 1" }).catch(() => {}); return 1; };',
    '',
    {},
  ],
};

function bundle(name: string, code: string, extra = ''): Uint8Array {
  const md = `---\nname: ${name}\ndescription: Bench skill ${name}\nversion: 1.0.0\nentrypoint: scripts/main.js\n${extra}\n---\n# ${name}\n`;
  return zipSync({ [`${name}/SKILL.md`]: enc.encode(md), [`${name}/scripts/main.js`]: enc.encode(code) });
}

/**
 * Peak RSS of processes, sampled from /proc every 100 ms: `VmHWM` (the process's own high-water mark, for workers
 * that live only during the measurement... or are replaced) or `VmRSS` (for the server, whose set-up peak, the
 * embedded database's initdb, is not part of the measurement).
 */
function rssSampler(pids: () => number[], field: 'VmHWM' | 'VmRSS') {
  let peak = 0;
  const read = (pid: number) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
    } catch {
      return 0;
    }
  };
  const timer = setInterval(() => {
    for (const pid of pids()) peak = Math.max(peak, read(pid));
  }, 100);
  return { stop: () => clearInterval(timer), peak: () => peak };
}

async function main() {
  const { app, sandbox, auth, close } = await createBenchApp({
    size: availableParallelism(),
    maxWorkerRssMb: WORKER_RSS_MB,
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const good = await auth('alice', 'good');
  const evil = await auth('mallory', 'evil');
  // Each tenant has its own connections, as separate clients would: a refused 3 MB body closes its connection.
  const agents = new Map([good, evil].map((auth) => [auth, new Agent({ keepAlive: true, maxSockets: 64 })]));
  /** POST through the tenant's own connection pool; answers a fetch Response. */
  const post = async (auth: string, path: string, body: BodyInit, type?: string): Promise<Response> => {
    const encoded = new Response(body, type ? { headers: { 'content-type': type } } : {});
    const bytes = Buffer.from(await encoded.arrayBuffer());
    const contentType = encoded.headers.get('content-type') ?? '';
    const headers = { authorization: auth, 'content-type': contentType, 'content-length': bytes.length };
    return new Promise((resolve, reject) => {
      const req = request(`${base}${path}`, { method: 'POST', headers, agent: agents.get(auth) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode })));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(bytes);
    });
  };
  const upload = async (auth: string, zip: Uint8Array) => {
    const form = new FormData();
    form.set('bundle', new File([zip as Uint8Array<ArrayBuffer>], 'b.zip'));
    form.set('publish', 'true');
    return post(auth, '/skills', form);
  };
  const echo =
    'export default (input) => { let s = 0; for (let i = 0; i < 20000; i++) s += i % 7; return { n: input.n, s }; };';
  for (const auth of [good, evil]) await upload(auth, bundle('echo', echo));
  for (const [name, [code, extra]] of Object.entries(HOSTILE)) await upload(evil, bundle(name, code, extra));
  const bombZip = rawZip([
    { name: 'bomb/SKILL.md', data: enc.encode('---\nname: bomb\ndescription: x\n---\n') },
    { name: 'bomb/z.bin', data: await deflatedZeros(128 * 1024 * 1024), method: 8, size: 100, crc: 0 },
  ]);

  const benignRun = async (n: number) => {
    const res = await post(good, '/runs', JSON.stringify({ skill: 'echo', input: { n } }), 'application/json');
    const body = (await res.json()) as { status?: string };
    return res.status === 201 && body.status === 'succeeded';
  };
  /** One hostile request of each kind in turn: runs, an archive bomb, oversized and unstorable bodies. */
  const hostileKinds = [
    ...Object.entries(HOSTILE).map(
      ([skill, [, , input]]) =>
        () =>
          post(evil, '/runs', JSON.stringify({ skill, input }), 'application/json'),
    ),
    () => upload(evil, bombZip),
    () => post(evil, '/skills/search', JSON.stringify({ query: 'x'.repeat(3_000_000) }), 'application/json'),
    () => post(evil, '/skills/search', `${'['.repeat(50_000)}${']'.repeat(50_000)}`, 'application/json'),
    () =>
      post(evil, '/runs', JSON.stringify({ skill: 'echo', input: { s: 'x'.repeat(1_500_000) } }), 'application/json'),
  ];

  for (let i = 0; i < 30; i++) await benignRun(i); // warm-up: workers, JIT, caches

  async function phase(hostile: boolean) {
    const latencies: number[] = [];
    let ok = 0;
    let total = 0;
    const hostileOutcomes = new Map<string, number>();
    const until = Date.now() + seconds * 1000;
    let benignSent = 0;
    let launched = 0;
    const pending: Promise<unknown>[] = [];
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (Date.now() < until) {
          const t = performance.now();
          if (await benignRun(total++).catch(() => false)) ok++;
          latencies.push(performance.now() - t);
          // One hostile request per nine benign ones, sent without waiting: a tenth of the requests.
          if (hostile && ++benignSent % 9 === 0) {
            const kind = hostileKinds[launched++ % hostileKinds.length]!;
            pending.push(
              kind().then(
                async (res) => {
                  const body = (await res.json().catch(() => ({}))) as { status?: string; error?: { type?: string } };
                  const key = `${res.status} ${body.status ?? ''} ${body.error?.type ?? ''}`.trim();
                  hostileOutcomes.set(key, (hostileOutcomes.get(key) ?? 0) + 1);
                },
                () => hostileOutcomes.set('network error', (hostileOutcomes.get('network error') ?? 0) + 1),
              ),
            );
          }
        }
      }),
    );
    await Promise.all(pending);
    return { ok, total, launched, hostileOutcomes, ...summarize(latencies) };
  }

  const workerRss = rssSampler(() => sandbox.workerPids(), 'VmHWM');
  const serverRss = rssSampler(() => [process.pid], 'VmRSS');
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const quiet = await phase(false);
  delay.enable();
  const mixed = await phase(true);
  delay.disable();
  workerRss.stop();
  serverRss.stop();
  for (const agent of agents.values()) agent.destroy();
  server.close();
  await close();

  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  console.log(`hostile mix: ${seconds} s per phase, ${clients} benign clients, ${availableParallelism()} workers`);
  console.log(
    `quiet: benign ${quiet.ok}/${quiet.total} succeeded, p50 ${quiet.p50.toFixed(1)} ms, p95 ${quiet.p95.toFixed(1)} ms`,
  );
  console.log(
    `mixed: benign ${mixed.ok}/${mixed.total} succeeded (${((100 * mixed.ok) / Math.max(1, mixed.total)).toFixed(2)}%), ` +
      `p50 ${mixed.p50.toFixed(1)} ms, p95 ${mixed.p95.toFixed(1)} ms (${(mixed.p95 / quiet.p95).toFixed(2)}x quiet), ` +
      `${mixed.launched} hostile requests`,
  );
  console.log(`hostile outcomes: ${[...mixed.hostileOutcomes].map(([k, v]) => `${k} x${v}`).join(', ')}`);
  console.log(`max event-loop delay (API process, mixed phase): ${(delay.max / 1e6).toFixed(1)} ms`);
  console.log(
    `peak RSS during the phases: server ${mb(serverRss.peak())} (this process: API, embedded PGlite and the clients), ` +
      `largest worker ${mb(workerRss.peak())} (ceiling ${WORKER_RSS_MB} MB)`,
  );
}

await main();
