/**
 * Organisation secrets: stored as AES-256-GCM ciphertext (`iv | tag | ciphertext`) bound to the org and name as
 * additional data, so a row copied to another org or name does not decrypt. The key is derived once from the JWT
 * secret with HKDF and handed in as a dependency.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { type Caller, requireRole } from '../auth/caller.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { iso } from '../schemas.ts';
import { createSecretRowStore, type SecretRow } from './secrets-store.ts';

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

const info = (r: SecretRow): SecretInfo => ({
  name: r.name,
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
});

/**
 * The secrets API (admin only) and the runtime's lookup of a skill's declared secrets. The table's SQL is in
 * `secrets-store.ts`.
 */
export function createSecretStore(deps: { db: Database; clock: Clock; key?: Uint8Array }) {
  const rows = createSecretRowStore(deps.db);
  const key = () => {
    if (!deps.key) throw new AppError('unavailable', 'Secrets are not configured on this server');
    return deps.key;
  };

  return {
    async put(caller: Caller, name: string, value: string): Promise<SecretInfo> {
      requireRole(caller, 'admin', 'manage secrets');
      const ciphertext = encryptSecret(key(), caller.orgId, name, value);
      return info(await rows.upsert(caller.orgId, name, ciphertext, caller.userId, deps.clock.now()));
    },

    async list(caller: Caller): Promise<SecretInfo[]> {
      requireRole(caller, 'admin', 'list secrets');
      return (await rows.list(caller.orgId)).map(info);
    },

    async remove(caller: Caller, name: string): Promise<void> {
      requireRole(caller, 'admin', 'delete secrets');
      if (!(await rows.remove(caller.orgId, name))) throw new AppError('not_found', `Secret "${name}" not found`);
    },

    /** The named secrets of an org, decrypted; names without a stored secret are left out. */
    async resolve(orgId: string, names: readonly string[]): Promise<Record<string, string>> {
      if (names.length === 0 || !deps.key) return {};
      const out: Record<string, string> = {};
      for (const row of await rows.ciphertexts(orgId, names)) {
        out[row.name] = decryptSecret(deps.key, orgId, row.name, row.ciphertext);
      }
      return out;
    },
  };
}

export type SecretStore = ReturnType<typeof createSecretStore>;
