import { describe, expect, it } from 'vitest';
import { createPgliteDatabase } from '../../src/db/pglite.ts';

describe('embedded database settings', () => {
  it('runs with small shared buffers and PGlite’s single-user defaults', async () => {
    const db = await createPgliteDatabase();
    try {
      const [row] = await db.query<{ shared_buffers: string; search_path: string; fsync: string }>(
        "select current_setting('shared_buffers') as shared_buffers, current_setting('search_path') as search_path, current_setting('fsync') as fsync",
      );
      expect(row).toEqual({ shared_buffers: '16MB', search_path: 'public', fsync: 'off' });
    } finally {
      await db.close();
    }
  });
});
