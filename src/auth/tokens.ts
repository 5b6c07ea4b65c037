/**
 * JSON Web Tokens: HS256 tokens signed with `JWT_SECRET` (whoever holds it is an identity provider, as in
 * PostgREST or Supabase), and optionally RS256/ES256 tokens of an external identity provider checked against its
 * JWKS. This module only says whether a token is genuine and current; `authenticate.ts` turns its claims into a
 * caller (membership, role caps, revocation).
 */
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from 'jose';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { ROLES, type Role } from './caller.ts';

const DAY = 24 * 3600;
/** The default and the ceiling of a token's lifetime (`exp - iat`); TOKEN_MAX_LIFETIME_DAYS sets it in between. */
export const DEFAULT_MAX_TOKEN_LIFETIME_S = 90 * DAY;
export const MAX_TOKEN_LIFETIME_CEILING_S = 365 * DAY;
/** An `iat` this far ahead of the server's clock still counts as now (clock skew between machines). */
export const IAT_SKEW_S = 30;

const IdSchema = z.string().min(1).max(256);
const ClaimsSchema = z.object({
  sub: IdSchema,
  org: IdSchema,
  role: z.enum(ROLES).optional(),
  jti: IdSchema.optional(),
  iat: z.number(),
  exp: z.number(),
});

/** What a genuine, current token says. */
export interface TokenClaims {
  userId: string;
  orgId: string;
  /** A signed role claim; absent = the member's role decides. */
  role?: Role;
  tokenId: string;
  issuedAt: number;
  expiresAt: number;
  /** `local`: HS256 with JWT_SECRET; `idp`: the external identity provider. */
  issuer: 'local' | 'idp';
}

export interface IdentityProvider {
  /** The provider's signing keys: `createRemoteJWKSet(JWT_JWKS_URL)` in production, a local key set in tests. */
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
}

export interface TokenServiceOptions {
  /** Longest `exp - iat` accepted and issued, in seconds (default 90 days, never more than 365 days). */
  maxLifetimeSeconds?: number;
  /** Also accept RS256/ES256 tokens from this provider. */
  idp?: IdentityProvider;
}

export interface TokenService {
  readonly maxLifetimeSeconds: number;
  /**
   * Mints an HS256 token. Without `role` the token carries no role claim (the member's role applies);
   * `ttlSeconds` defaults to 30 days and may not exceed the maximum lifetime.
   */
  issue(claims: { userId: string; orgId: string; role?: Role; ttlSeconds?: number; tokenId?: string }): Promise<string>;
  /** Verifies a token and returns its claims, or throws a 401 AppError saying why. */
  verify(token: string): Promise<TokenClaims>;
}

/** The provider of JWT_JWKS_URL, JWT_ISSUER and JWT_AUDIENCE. */
export function remoteIdentityProvider(jwksUrl: string, issuer: string, audience: string): IdentityProvider {
  return { keys: createRemoteJWKSet(new URL(jwksUrl)), issuer, audience };
}

const unauthorized = (detail: string) => new AppError('unauthorized', detail);

/**
 * HS256 tokens whose signature was verified, by their exact text: WebCrypto's HMAC verify cost about 1.1 ms of CPU
 * per request (a thread-pool job), more than the rest of authentication. Only the signature is remembered; every
 * time-based check (exp, nbf, iat, lifetime) and the claim checks run on every request, and revocation is checked
 * by the caller as before. Bounded (oldest first out) and per token service, so per secret.
 */
const VERIFIED_CACHE_SIZE = 1000;
const MAX_CACHED_TOKEN_CHARS = 4096;

export function createTokenService(secret: string, clock: Clock, options: TokenServiceOptions = {}): TokenService {
  const key = new TextEncoder().encode(secret);
  const maxLifetime = Math.min(
    options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_S,
    MAX_TOKEN_LIFETIME_CEILING_S,
  );
  const idpAlgorithms = options.idp ? ['RS256', 'ES256'] : [];
  const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);

  const verified = new Map<string, JWTPayload>();

  /** A signature verified before, if the token is still inside its validity window (as jose checks it). */
  function verifiedBefore(token: string): JWTPayload | undefined {
    const payload = verified.get(token);
    if (!payload) return undefined;
    const now = nowSeconds();
    if (typeof payload.exp === 'number' && payload.exp <= now) throw unauthorized('The token has expired');
    if (typeof payload.nbf === 'number' && payload.nbf > now) {
      throw unauthorized('The token is not valid: "nbf" claim timestamp check failed');
    }
    return payload;
  }

  async function verifySignature(token: string): Promise<{ payload: JWTPayload; issuer: TokenClaims['issuer'] }> {
    const known = verifiedBefore(token);
    if (known) return { payload: known, issuer: 'local' };
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw unauthorized('The token is malformed');
    }
    try {
      if (alg === 'HS256') {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], currentDate: clock.now() });
        if (token.length <= MAX_CACHED_TOKEN_CHARS) {
          if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
          verified.set(token, payload);
        }
        return { payload, issuer: 'local' };
      }
      if (options.idp && alg && idpAlgorithms.includes(alg)) {
        const { keys, issuer, audience } = options.idp;
        const verified = await jwtVerify(token, keys, {
          algorithms: idpAlgorithms,
          issuer,
          audience,
          currentDate: clock.now(),
        });
        return { payload: verified.payload, issuer: 'idp' };
      }
    } catch (error) {
      throw unauthorized(describeJoseError(error));
    }
    // `alg: none` and every other algorithm are refused by this allow-list.
    throw unauthorized(`The token must be signed with ${['HS256', ...idpAlgorithms].join(', ')}`);
  }

  return {
    maxLifetimeSeconds: maxLifetime,

    async issue({ userId, orgId, role, ttlSeconds = Math.min(30 * DAY, maxLifetime), tokenId = uuidv7() }) {
      if (ttlSeconds > maxLifetime) {
        throw new AppError('invalid_request', `A token may live at most ${Math.floor(maxLifetime / DAY)} days`);
      }
      const now = nowSeconds();
      return new SignJWT(role ? { org: orgId, role } : { org: orgId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setJti(tokenId)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(key);
    },

    async verify(token) {
      const { payload, issuer } = await verifySignature(token);
      const claims = ClaimsSchema.safeParse(payload);
      if (!claims.success) {
        const wrong = [...new Set(claims.error.issues.map((i) => i.path.join('.')))].join(', ');
        throw unauthorized(`The token's claims are incomplete or wrong: ${wrong}`);
      }
      const { sub, org, role, jti, iat, exp } = claims.data;
      if (issuer === 'local' && !jti) throw unauthorized("The token's claims are incomplete or wrong: jti");
      if (iat > nowSeconds() + IAT_SKEW_S) throw unauthorized('The token is issued in the future (iat)');
      if (exp - iat > maxLifetime) {
        throw unauthorized(`The token lives longer than the ${Math.floor(maxLifetime / DAY)} days allowed (exp - iat)`);
      }
      return {
        userId: sub,
        orgId: org,
        role,
        // Provider tokens without a jti are told apart by issuer, subject and issue time.
        tokenId: jti ?? `${payload.iss}|${sub}|${iat}`,
        issuedAt: iat,
        expiresAt: exp,
        issuer,
      };
    },
  };
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The token is signed with an algorithm not accepted here';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature is not valid';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return "The token's signing key is not one of the provider's";
  if (error instanceof joseErrors.JWKSTimeout) return "The identity provider's keys could not be fetched in time";
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The token is not valid: ${error.message}`;
  if (!(error instanceof joseErrors.JOSEError)) return "The identity provider's keys could not be fetched";
  return 'The token is malformed';
}
