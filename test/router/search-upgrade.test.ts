import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../src/db/migrate.ts';
import { createPgliteDatabase, type PgliteDatabase } from '../../src/db/pglite.ts';
import { reindex } from '../../src/router/indexer.ts';
import { createLocalEmbedder } from '../../src/router/local-embedder.ts';
import { createLogger } from '../../src/telemetry/logger.ts';

/** A database upgraded from before migration 008 indexes the bodies of the versions it already holds. */
describe('upgrading to body indexing', () => {
  let db: PgliteDatabase;
  const versionId = randomUUID();

  beforeAll(async () => {
    db = await createPgliteDatabase();
    await migrate(
      db,
      loadMigrations().filter((m) => m.name < '008'),
    );
    const skillId = randomUUID();
    await db.query(
      `insert into skills (id, org_id, owner_id, name, description, tags) values ($1, 'acme', 'u', 'pdf-kit', 'PDFs', '{}')`,
      [skillId],
    );
    await db.query(
      `insert into skill_versions (id, skill_id, org_id, name, version, version_major, version_minor, version_patch,
         status, description, instructions, metadata, embedding_model, sha256, size_bytes, file_count, created_by)
       values ($1, $2, 'acme', 'pdf-kit', '1.0.0', 1, 0, 0, 'published', 'PDFs', $3, $4, 'local:hash-v1:1536', 'x', 1, 1, 'u')`,
      [
        versionId,
        skillId,
        `# Forms\n\nFill AcroForm fields.\n\n${'Check every page. '.repeat(200)}`,
        JSON.stringify({ front_matter: { when_to_use: 'When a tax form arrives.' } }),
      ],
    );
    await db.query(
      `insert into skill_files (version_id, path, sha256, size, mime, content)
       values ($1, 'scripts/fill_form.py', 'x', 1, 'text/x-python', 'x')`,
      [versionId],
    );
    await migrate(db);
  }, 60_000);
  afterAll(() => db.close());

  it('fills the body field of existing versions and marks them for re-embedding', async () => {
    const [row] = await db.query<{ body: string; model: string | null }>(
      'select search_body::text as body, embedding_model as model from skill_versions where id = $1',
      [versionId],
    );
    for (const lexeme of ['acroform', 'fill', 'form', 'py', 'tax']) expect(row!.body).toContain(`'${lexeme}'`);
    expect(row!.model).toBeNull();
    const [stats] = await db.query<{ df: number }>(
      `select df from search_term_stats where org_id = 'acme' and lexeme = 'acroform'`,
    );
    expect(stats!.df).toBe(1);
  });

  it('embeds the chunks on the catch-up, once', async () => {
    const embedder = createLocalEmbedder();
    const logger = createLogger({ level: 'silent' });
    expect(await reindex({ db, embedder, logger })).toBe(1);
    const [chunks] = await db.query<{ n: number }>(
      'select count(*)::int as n from skill_version_chunks where version_id = $1',
      [versionId],
    );
    expect(chunks!.n).toBeGreaterThan(1);
    expect(await reindex({ db, embedder, logger })).toBe(0);
  });
});
