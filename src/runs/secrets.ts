/**
 * Organisation secrets: stored as AES-256-GCM ciphertext (`iv | tag | ciphertext`) bound to the org and name as
 * additional data, so a row copied to another org or name does not decrypt. The key is derived once from the JWT
 * secret with HKDF and handed in as a dependency.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { type Caller, requireRole } from '../auth/caller.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { AppError } from '../errors.ts';

/**
 * Derives the 32-byte secrets key from the server's signing secret.
 *
 * @example
 * const key = deriveSecretsKey(config.JWT_SECRET);
 */
export function deriveSecretsKey(jwtSecret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', jwtSecret, 'open-skills/secrets', 'aes-256-gcm v1', 32));
}

const aad = (orgId: string, name: string) => Buffer.from(`${orgId}\0${name}`);

export function encryptSecret(key: Uint8Array, orgId: string, name: string, value: string): Uint8Array {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(orgId, name));
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body]));
}

export function decryptSecret(key: Uint8Array, orgId: string, name: string, data: Uint8Array): string {
  const buf = Buffer.from(data);
  const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
  decipher.setAAD(aad(orgId, name));
  decipher.setAuthTag(buf.subarray(12, 28));
  return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString('utf8');
}

export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
export const MAX_SECRET_BYTES = 64 * 1024;

export interface SecretInfo {
  name: string;
  created_at: string;
  updated_at: string;
}

/** The secrets API (admin only) and the runtime's lookup of a skill's declared secrets. */
export function createSecretStore(deps: { db: Database; clock: Clock; key?: Uint8Array }) {
  const { db, clock } = deps;
  const key = () => {
    if (!deps.key) throw new AppError('unavailable', 'Secrets are not configured on this server');
    return deps.key;
  };
  const info = (r: { name: string; created_at: Date; updated_at: Date }): SecretInfo => ({
    name: r.name,
    created_at: new Date(r.created_at).toISOString(),
    updated_at: new Date(r.updated_at).toISOString(),
  });

  return {
    async put(caller: Caller, name: string, value: string): Promise<SecretInfo> {
      requireRole(caller, 'admin', 'manage secrets');
      const ciphertext = encryptSecret(key(), caller.orgId, name, value);
      const now = clock.now();
      const [row] = await db.query<{ name: string; created_at: Date; updated_at: Date }>(
        `insert into secrets (id, org_id, name, ciphertext, created_by, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $6)
         on conflict (org_id, name) do update set ciphertext = excluded.ciphertext, updated_at = excluded.updated_at
         returning name, created_at, updated_at`,
        [uuidv7(), caller.orgId, name, ciphertext, caller.userId, now],
      );
      return info(row!);
    },

    async list(caller: Caller): Promise<SecretInfo[]> {
      requireRole(caller, 'admin', 'list secrets');
      const rows = await db.query<{ name: string; created_at: Date; updated_at: Date }>(
        'select name, created_at, updated_at from secrets where org_id = $1 order by name',
        [caller.orgId],
      );
      return rows.map(info);
    },

    async remove(caller: Caller, name: string): Promise<void> {
      requireRole(caller, 'admin', 'delete secrets');
      const rows = await db.query('delete from secrets where org_id = $1 and name = $2 returning name', [
        caller.orgId,
        name,
      ]);
      if (rows.length === 0) throw new AppError('not_found', `Secret "${name}" not found`);
    },

    /** The named secrets of an org, decrypted; names without a stored secret are left out. */
    async resolve(orgId: string, names: readonly string[]): Promise<Record<string, string>> {
      if (names.length === 0 || !deps.key) return {};
      const rows = await db.query<{ name: string; ciphertext: Uint8Array }>(
        'select name, ciphertext from secrets where org_id = $1 and name = any($2::text[])',
        [orgId, [...names]],
      );
      const out: Record<string, string> = {};
      for (const row of rows) out[row.name] = decryptSecret(deps.key, orgId, row.name, row.ciphertext);
      return out;
    },
  };
}

export type SecretStore = ReturnType<typeof createSecretStore>;
