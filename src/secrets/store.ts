/** The SQL of the `secrets` table. Values are stored as ciphertext only; `crypto.ts` encrypts and decrypts. */
import { v7 as uuidv7 } from 'uuid';
import type { Queryable } from '../db/database.ts';

export interface SecretRow {
  name: string;
  created_at: Date;
  updated_at: Date;
  last_used_at: Date | null;
}

const COLUMNS = 'name, created_at, updated_at, last_used_at';

export function createSecretRowStore(db: Queryable) {
  return {
    /** Creates or replaces a secret. */
    async upsert(
      q: Queryable,
      row: { orgId: string; name: string; ciphertext: Uint8Array; userId: string; now: Date },
    ): Promise<SecretRow> {
      const [stored] = await q.query<SecretRow>(
        `insert into secrets (id, org_id, name, ciphertext, created_by, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $6)
         on conflict (org_id, name) do update set ciphertext = excluded.ciphertext, updated_at = excluded.updated_at
         returning ${COLUMNS}`,
        [uuidv7(), row.orgId, row.name, row.ciphertext, row.userId, row.now],
      );
      return stored!;
    },

    list: (orgId: string) =>
      db.query<SecretRow>(`select ${COLUMNS} from secrets where org_id = $1 order by name`, [orgId]),

    /** Deletes a secret; returns whether it existed. */
    async remove(q: Queryable, orgId: string, name: string): Promise<boolean> {
      const rows = await q.query('delete from secrets where org_id = $1 and name = $2 returning name', [orgId, name]);
      return rows.length > 0;
    },

    /** The ciphertexts of the named secrets that exist, marked as used now. */
    ciphertextsForUse: (orgId: string, names: readonly string[], now: Date) =>
      db.query<{ name: string; ciphertext: Uint8Array }>(
        `update secrets set last_used_at = $3 where org_id = $1 and name = any($2::text[])
         returning name, ciphertext`,
        [orgId, [...names], now],
      ),
  };
}
