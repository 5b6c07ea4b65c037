import type { Clock } from '../clock.ts';
import type { Role } from './caller.ts';
import { TtlCache } from './ttl-cache.ts';

/**
 * How long another replica may act on a member's old role or a revoked token: every request re-reads both at most
 * this long after the last read. Writes on this replica drop their entries at once.
 */
export const AUTH_CACHE_TTL_MS = 1000;

/** A recorded token (POST /tokens) as authentication needs it. */
export interface TokenRecord {
  id: string;
  org_id: string;
  user_id: string;
  role: Role;
  revoked_at: Date | null;
}

export interface AuthCaches {
  /** `org\0user` -> the member's role, null for a non-member. */
  roles: TtlCache<string, Role | null>;
  /** jti -> its record, null for a token not issued by POST /tokens. */
  tokens: TtlCache<string, TokenRecord | null>;
}

export const memberKey = (orgId: string, userId: string) => `${orgId}\0${userId}`;

export function createAuthCaches(clock: Clock, ttlMs = AUTH_CACHE_TTL_MS): AuthCaches {
  return { roles: new TtlCache(ttlMs, clock), tokens: new TtlCache(ttlMs, clock) };
}
