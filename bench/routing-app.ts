/** The app the routing benchmark (and lab scripts) measure: a fresh database, the catalog uploaded through the API. */
import { zipSync } from 'fflate';
import { createApp } from '../src/api/app.ts';
import { createTokenService } from '../src/auth/tokens.ts';
import { systemClock } from '../src/clock.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPgliteDatabase } from '../src/db/pglite.ts';
import { createScratchDatabase } from '../src/db/scratch.ts';
import type { Embedder } from '../src/router/embedder.ts';
import { createIndexer } from '../src/router/indexer.ts';
import { createLocalEmbedder } from '../src/router/local-embedder.ts';
import { exampleDirs } from '../src/skills/examples.ts';
import { packSkillDir } from '../src/skills/pack.ts';
import { createLogger } from '../src/telemetry/logger.ts';
import { dev } from './routing-eval.ts';

const SECRET = 'bench-secret-that-is-at-least-32-characters-long';

async function openDatabase(kind: 'pglite' | 'postgres', postgresUrl?: string) {
  if (kind === 'pglite') {
    const db = await createPgliteDatabase();
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  return createScratchDatabase(postgresUrl!, 'routing_bench', 4);
}

const quote = (value: unknown) => JSON.stringify(value);

/** A fresh app on a fresh database, with a helper to POST JSON as an admin of org "bench". */
export async function openApp(
  kind: 'pglite' | 'postgres',
  options: { postgresUrl?: string; noQueryIdf?: boolean } = {},
) {
  const { db, drop } = await openDatabase(kind, options.postgresUrl);
  const logger = createLogger({ level: 'silent' });
  const local = createLocalEmbedder();
  const embedder: Embedder = options.noQueryIdf
    ? { key: local.key, dimensions: local.dimensions, embed: local.embed }
    : local;
  const indexer = createIndexer({ db, embedder, logger });
  const tokens = createTokenService(SECRET, systemClock);
  const app = createApp({ db, clock: systemClock, logger, tokens, embedder, indexer });
  const auth = `Bearer ${await tokens.issue({ userId: 'bench', orgId: 'bench', role: 'admin' })}`;
  const post = (path: string, body: unknown) =>
    app.request(path, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const upload = async (name: string, zip: Uint8Array) => {
    const form = new FormData();
    form.set('bundle', new File([zip as Uint8Array<ArrayBuffer>], 'b.zip'));
    form.set('publish', 'true');
    const res = await app.request('/skills', { method: 'POST', headers: { authorization: auth }, body: form });
    if (res.status !== 201) throw new Error(`upload ${name}: ${res.status} ${await res.text()}`);
  };
  const close = async () => {
    await indexer.close();
    await drop();
  };
  return { db, embedder, local, indexer, post, upload, close };
}

export type BenchApp = Awaited<ReturnType<typeof openApp>>;

/** The dev catalog and the example skills, with or without their bodies (and, for examples, their other files). */
export async function uploadCatalog(app: BenchApp, withBodies: boolean, examples = true) {
  for (const skill of dev.catalog) {
    const body = withBodies ? (dev.bodies[skill.name] ?? '') : '';
    const md = `---\nname: ${quote(skill.name)}\ndescription: ${quote(skill.description)}\ntags: ${quote(skill.tags)}\nversion: "1.0.0"\n---\n${body}\n`;
    await app.upload(skill.name, zipSync({ [`${skill.name}/SKILL.md`]: new TextEncoder().encode(md) }));
  }
  for (const dir of examples ? exampleDirs() : []) {
    const packed = await packSkillDir(dir, { bundleDeps: 'auto' });
    if (withBodies) {
      await app.upload(packed.folder, packed.zip);
      continue;
    }
    const skillMd = new TextDecoder().decode(packed.files.find((f) => f.path === 'SKILL.md')!.data);
    const frontMatter = skillMd.slice(0, skillMd.indexOf('\n---', 3) + 4).replace(/^entrypoint:.*$/m, '');
    await app.upload(
      packed.folder,
      zipSync({ [`${packed.folder}/SKILL.md`]: new TextEncoder().encode(`${frontMatter}\n`) }),
    );
  }
}
