import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.ts';
import { createPgliteDatabase } from '../../src/db/pglite.ts';
import { tempDir } from './helpers.ts';

// The command reads the server's configuration from the environment, so it runs as a real process here.
const reindex = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['bin/open-skills.js', 'reindex', ...args], {
    env: { PATH: process.env['PATH'], DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('open-skills reindex', () => {
  const dir = tempDir();

  it('re-embeds versions made by another model, then nothing', async () => {
    const db = await createPgliteDatabase({ dataDir: join(dir, 'db') });
    await migrate(db);
    await db.query(
      `insert into skills (id, org_id, owner_id, name) values ('00000000-0000-7000-8000-000000000001', 'o', 'u', 'old-model')`,
    );
    await db.query(
      `insert into skill_versions (id, skill_id, org_id, name, version, version_major, version_minor, version_patch,
         status, description, sha256, size_bytes, file_count, created_by, embedding, embedding_model)
       values ('00000000-0000-7000-8000-000000000002', '00000000-0000-7000-8000-000000000001', 'o', 'old-model',
         '1.0.0', 1, 0, 0, 'published', 'Converts CSV files', 'x', 1, 1, 'u', '[1,0,0]', 'someone-else:model:3')`,
    );
    await db.close();

    const first = reindex(dir, '--json');
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ model: 'local:hash-v1:1536', reembedded: 1 });
    expect(JSON.parse(reindex(dir, '--json').stdout)).toEqual({ model: 'local:hash-v1:1536', reembedded: 0 });
    expect(reindex(dir, '--all').stdout).toBe('Re-embedded 1 version with local:hash-v1:1536.\n');
  });

  it('refuses to open an embedded database a running server holds', async () => {
    const db = await createPgliteDatabase({ dataDir: join(dir, 'db') });
    try {
      const result = reindex(dir);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/Another open-skills process \(pid \d+\) is using the embedded database/);
    } finally {
      await db.close();
    }
  });
});
