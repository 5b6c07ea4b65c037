/**
 * Upload throughput: a 5 MB skill bundle uploaded as new versions through a real HTTP server (multipart parse,
 * unzip, validation, hashing, TypeScript transpile, one transaction per version).
 * Run: npm run bench:upload -- [uploads] [--postgres postgres://...]
 */
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { zipSync } from 'fflate';
import { createApp } from '../src/api/app.ts';
import { createTokenService } from '../src/auth/tokens.ts';
import { systemClock } from '../src/clock.ts';
import type { Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPgliteDatabase } from '../src/db/pglite.ts';
import { createPostgresDatabase } from '../src/db/postgres.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { ms, summarize } from './stats.ts';

const args = process.argv.slice(2);
const uploads = Number(args.find((a) => /^\d+$/.test(a)) ?? 20);
const postgresUrl =
  args[args.indexOf('--postgres') + 1] && args.includes('--postgres')
    ? args[args.indexOf('--postgres') + 1]
    : undefined;

/** About 5 MB: SKILL.md, a TypeScript entrypoint, 2 MB of text resources and 3 MB of binary assets. */
function fiveMegabyteBundle(version: string): Uint8Array {
  const text = 'The quick brown fox jumps over the lazy dog. '.repeat(1024 * 4); // ~180 KB
  const files: Record<string, Uint8Array> = {
    'bench-skill/SKILL.md': new TextEncoder().encode(
      `---\nname: bench-skill\ndescription: A 5 MB bundle for the upload benchmark\nversion: ${version}\nentrypoint: scripts/main.ts\n---\n# Bench\n`,
    ),
    'bench-skill/scripts/main.ts': new TextEncoder().encode(
      'export default async function run(input: { n: number }): Promise<{ n: number }> {\n  return { n: input.n + 1 };\n}\n',
    ),
  };
  for (let i = 0; i < 11; i++) files[`bench-skill/resources/text-${i}.txt`] = new TextEncoder().encode(text);
  for (let i = 0; i < 3; i++) files[`bench-skill/assets/blob-${i}.bin`] = new Uint8Array(randomBytes(1024 * 1024));
  return zipSync(files);
}

async function bench(name: string, db: Database) {
  await migrate(db);
  const tokens = createTokenService('bench-secret-that-is-long-enough-for-hs256', systemClock);
  const app = createApp({ db, clock: systemClock, logger: createLogger({ level: 'silent' }), tokens });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as { port: number }).port;
  const token = await tokens.issue({ userId: 'bench', orgId: `bench-${Date.now()}`, role: 'admin' });
  const upload = async (path: string, archive: Uint8Array) => {
    const form = new FormData();
    form.set('bundle', new File([archive as Uint8Array<ArrayBuffer>], 'bundle.zip'));
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  const first = fiveMegabyteBundle('0.0.1');
  const uncompressed = 5 * 1024 * 1024;
  await upload('/skills', first);
  const archives = Array.from({ length: uploads }, (_, i) => fiveMegabyteBundle(`1.0.${i}`));
  const latencies: number[] = [];
  const started = performance.now();
  for (const archive of archives) {
    const t = performance.now();
    await upload('/skills/bench-skill/versions', archive);
    latencies.push(performance.now() - t);
  }
  const seconds = (performance.now() - started) / 1000;
  const { p50, p95, p99 } = summarize(latencies);
  const sent = archives.reduce((sum, a) => sum + a.length, 0);
  console.log(
    `${name.padEnd(9)} ${String(uploads).padStart(7)}  ${(uploads / seconds).toFixed(2).padStart(9)}  ` +
      `${((uploads * uncompressed) / 1024 / 1024 / seconds).toFixed(1).padStart(13)}  ` +
      `${(sent / 1024 / 1024 / seconds).toFixed(1).padStart(11)}  ${ms(p50).padStart(10)} ${ms(p95).padStart(10)} ${ms(p99).padStart(10)}`,
  );
  await new Promise((resolve) => server.close(resolve));
  await db.close();
}

console.log(
  `5 MB bundle (${(fiveMegabyteBundle('0.0.0').length / 1024 / 1024).toFixed(1)} MB zipped), sequential uploads over HTTP`,
);
console.log('backend   uploads  bundles/s  MB/s (unzipped)  MB/s (wire)         p50        p95        p99');
await bench('pglite', await createPgliteDatabase());
if (postgresUrl) await bench('postgres', createPostgresDatabase({ url: postgresUrl }));
