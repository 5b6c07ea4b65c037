/** The SQL of the `secrets` table. Values are stored as ciphertext only; `secrets.ts` encrypts and decrypts. */
import { v7 as uuidv7 } from 'uuid';
import type { Queryable } from '../db/database.ts';

export interface SecretRow {
  name: string;
  created_at: Date;
  updated_at: Date;
}

export function createSecretRowStore(db: Queryable) {
  return {
    /** Creates or replaces a secret. */
    async upsert(orgId: string, name: string, ciphertext: Uint8Array, userId: string, now: Date): Promise<SecretRow> {
      const [row] = await db.query<SecretRow>(
        `insert into secrets (id, org_id, name, ciphertext, created_by, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $6)
         on conflict (org_id, name) do update set ciphertext = excluded.ciphertext, updated_at = excluded.updated_at
         returning name, created_at, updated_at`,
        [uuidv7(), orgId, name, ciphertext, userId, now],
      );
      return row!;
    },

    list: (orgId: string) =>
      db.query<SecretRow>('select name, created_at, updated_at from secrets where org_id = $1 order by name', [orgId]),

    /** Deletes a secret; returns whether it existed. */
    async remove(orgId: string, name: string): Promise<boolean> {
      const rows = await db.query('delete from secrets where org_id = $1 and name = $2 returning name', [orgId, name]);
      return rows.length > 0;
    },

    /** The ciphertexts of the named secrets that exist. */
    ciphertexts: (orgId: string, names: readonly string[]) =>
      db.query<{ name: string; ciphertext: Uint8Array }>(
        'select name, ciphertext from secrets where org_id = $1 and name = any($2::text[])',
        [orgId, [...names]],
      ),
  };
}
