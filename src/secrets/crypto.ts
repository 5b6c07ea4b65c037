/**
 * Secret values at rest: AES-256-GCM with a random 96-bit IV and a 128-bit tag, stored as `iv | tag | ciphertext`,
 * with the organisation and name as additional authenticated data so a row copied to another org or name does not
 * decrypt. This is the AEAD of JWE `dir` + `A256GCM` (same cipher, key size, IV and tag sizes) without the JOSE
 * envelope; the key is derived once from the JWT secret with HKDF-SHA256 and handed in as a dependency.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

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
