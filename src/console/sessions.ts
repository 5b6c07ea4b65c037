/**
 * Console sessions: a person logs in with an API token once and the browser then carries a random session secret in
 * an HttpOnly cookie. The database keeps the token encrypted under a key derived from that secret (AES-256-GCM,
 * `secrets/crypto.ts`), found by the secret's SHA-256; every request decrypts it and authenticates it as the API
 * does, so revocation, expiry and role changes apply to the console at once. One-time login links (printed at the
 * first start of the embedded server) are rows of the same table that a person redeems once for a session.
 *
 * @example
 * const sessions = createConsoleSessions({ db, clock });
 * const secret = await sessions.open(token);
 * const token = await sessions.tokenOf(secret);
 */
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { decryptSecret, encryptSecret } from '../secrets/crypto.ts';

/** How long a console session lasts; the token's own expiry and revocation end it sooner. */
export const SESSION_TTL_MS = 12 * 3600 * 1000;
/** How long a one-time login link may wait to be used. */
export const LOGIN_LINK_TTL_MS = 15 * 60 * 1000;
/** The longest API token accepted at login (a JWT is a few hundred bytes). */
export const MAX_TOKEN_CHARS = 8192;

type Kind = 'session' | 'login_link';

const rowId = (secret: string) => createHash('sha256').update(secret).digest('hex');
const keyOf = (secret: string) => new Uint8Array(hkdfSync('sha256', secret, 'open-skills/console', 'token v1', 32));
const newSecret = () => randomBytes(32).toString('base64url');

/**
 * The CSRF token of a form: an HMAC of the session secret (or the pre-login secret), so it can be checked without
 * storing it and cannot be made without the HttpOnly cookie.
 */
export const csrfTokenOf = (secret: string) => createHmac('sha256', secret).update('csrf').digest('base64url');

export function csrfMatches(secret: string, sent: string | undefined): boolean {
  if (!sent) return false;
  const expected = Buffer.from(csrfTokenOf(secret));
  const given = Buffer.from(sent);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A secret as cookies and links carry it: 43 base64url characters. */
export const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function createConsoleSessions(deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;

  async function insert(kind: Kind, token: string, ttlMs: number): Promise<string> {
    const secret = newSecret();
    const now = clock.now();
    await db.query(
      `insert into console_sessions (id, kind, token_ciphertext, created_at, expires_at) values ($1, $2, $3, $4, $5)`,
      [rowId(secret), kind, encryptSecret(keyOf(secret), kind, 'token', token), now, new Date(now.getTime() + ttlMs)],
    );
    // Ended sessions are cleared as new ones open, a bounded batch at a time.
    await db.query(
      'delete from console_sessions where id in (select id from console_sessions where expires_at < $1 limit 100)',
      [now],
    );
    return secret;
  }

  const decrypt = (kind: Kind, secret: string, ciphertext: Uint8Array) => {
    try {
      return decryptSecret(keyOf(secret), kind, 'token', ciphertext);
    } catch {
      return undefined;
    }
  };

  return {
    /** Opens a session for an authenticated token; returns the secret for the cookie. */
    open: (token: string) => insert('session', token, SESSION_TTL_MS),

    /** The token of a live session, or undefined. */
    async tokenOf(secret: string): Promise<string | undefined> {
      if (!SECRET_PATTERN.test(secret)) return undefined;
      const [row] = await db.query<{ token_ciphertext: Uint8Array }>(
        `select token_ciphertext from console_sessions where id = $1 and kind = 'session' and expires_at > $2`,
        [rowId(secret), clock.now()],
      );
      return row ? decrypt('session', secret, row.token_ciphertext) : undefined;
    },

    /** Ends a session (log out, or its token is no longer accepted). */
    async close(secret: string): Promise<void> {
      if (SECRET_PATTERN.test(secret)) await db.query('delete from console_sessions where id = $1', [rowId(secret)]);
    },

    /** A one-time login link's secret for `token`, valid for `LOGIN_LINK_TTL_MS`. */
    issueLoginLink: (token: string) => insert('login_link', token, LOGIN_LINK_TTL_MS),

    /** Uses a login link: its token the first time, undefined when unknown, used or expired. */
    async redeemLoginLink(secret: string): Promise<string | undefined> {
      if (!SECRET_PATTERN.test(secret)) return undefined;
      const [row] = await db.query<{ token_ciphertext: Uint8Array }>(
        `update console_sessions set used_at = $2
         where id = $1 and kind = 'login_link' and used_at is null and expires_at > $2
         returning token_ciphertext`,
        [rowId(secret), clock.now()],
      );
      return row ? decrypt('login_link', secret, row.token_ciphertext) : undefined;
    },
  };
}

export type ConsoleSessions = ReturnType<typeof createConsoleSessions>;
