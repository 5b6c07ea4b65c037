import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * In embedded dev mode with no JWT_SECRET, the signing secret lives in DATA_DIR so tokens survive restarts.
 * `created` tells the caller to mint and print the first admin token (once, as Jupyter does).
 */
export function loadOrCreateDevSecret(dataDir: string): { secret: string; created: boolean } {
  const file = join(dataDir, 'jwt-secret');
  try {
    return { secret: readFileSync(file, 'utf8').trim(), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  return { secret, created: true };
}

/** Where the first admin token is kept for the local CLI (readable by the owner only). */
export const adminTokenFile = (dataDir: string) => join(dataDir, 'admin-token');

export function saveAdminToken(dataDir: string, token: string): void {
  writeFileSync(adminTokenFile(dataDir), token, { mode: 0o600 });
}
