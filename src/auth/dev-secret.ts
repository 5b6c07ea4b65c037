import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import type { Clock } from '../clock.ts';
import type { ApiTokens } from './api-tokens.ts';
import type { Caller } from './caller.ts';
import type { Members } from './members.ts';

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

/** The embedded server's first admin: a member of org "default", so member-based roles work from the start. */
export const DEV_ADMIN: Caller = { userId: 'admin', orgId: 'default', role: 'admin', tokenId: 'dev-bootstrap' };

/** Whether the saved admin token would be refused for its age (expired, or longer-lived than now allowed). */
function savedTokenIsStale(dataDir: string, clock: Clock, maxLifetimeSeconds: number): boolean {
  let claims: { exp?: number; iat?: number };
  try {
    claims = decodeJwt(readFileSync(adminTokenFile(dataDir), 'utf8').trim());
  } catch {
    return false;
  }
  const now = clock.now().getTime() / 1000;
  return (claims.exp ?? 0) <= now || (claims.exp ?? 0) - (claims.iat ?? 0) > maxLifetimeSeconds;
}

/**
 * Dev mode: on the first start the first admin becomes a member and gets an API token (listed by GET /tokens,
 * revocable, living the maximum lifetime), saved for the CLI. On a later start, a saved token that has aged out is
 * replaced, as long as "admin" is still an admin. Returns a new token to print, if one was made.
 */
export async function issueDevAdminToken(deps: {
  dataDir: string;
  firstStart: boolean;
  clock: Clock;
  apiTokens: ApiTokens;
  members: Pick<Members, 'roleOf'>;
  maxLifetimeSeconds: number;
}): Promise<string | undefined> {
  if (!deps.firstStart) {
    if (!savedTokenIsStale(deps.dataDir, deps.clock, deps.maxLifetimeSeconds)) return undefined;
    if ((await deps.members.roleOf(DEV_ADMIN.orgId, DEV_ADMIN.userId)) !== 'admin') return undefined;
  }
  const { token } = await deps.apiTokens.issue(DEV_ADMIN, {
    name: 'first admin (embedded server)',
    role: 'admin',
    expires_in_days: Math.floor(deps.maxLifetimeSeconds / 86_400),
  });
  saveAdminToken(deps.dataDir, token);
  return token;
}
