import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { type Caller, ROLES, type Role } from './caller.ts';

const ClaimsSchema = z.object({
  sub: z.string().min(1),
  org: z.string().min(1),
  role: z.enum(ROLES),
  jti: z.string().min(1),
  exp: z.number(),
});

export interface TokenService {
  /** Mints an HS256 token; `ttlSeconds` defaults to 30 days. */
  issue(claims: { userId: string; orgId: string; role: Role; ttlSeconds?: number }): Promise<string>;
  /** Verifies a token and returns its caller, or throws a 401 AppError saying why. */
  verify(token: string): Promise<Caller>;
}

export function createTokenService(secret: string, clock: Clock): TokenService {
  const key = new TextEncoder().encode(secret);
  return {
    async issue({ userId, orgId, role, ttlSeconds = 30 * 24 * 3600 }) {
      const now = Math.floor(clock.now().getTime() / 1000);
      return new SignJWT({ org: orgId, role })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setJti(uuidv7())
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(key);
    },
    async verify(token) {
      let payload: unknown;
      try {
        // Only HS256 is accepted: `alg: none` and asymmetric algorithms are refused by the allow-list.
        ({ payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          currentDate: clock.now(),
          requiredClaims: ['sub', 'exp', 'jti'],
        }));
      } catch (error) {
        throw new AppError('unauthorized', describeJoseError(error));
      }
      const claims = ClaimsSchema.safeParse(payload);
      if (!claims.success) {
        const missing = claims.error.issues.map((i) => i.path.join('.')).join(', ');
        throw new AppError('unauthorized', `The token's claims are incomplete or wrong: ${missing}`);
      }
      return { userId: claims.data.sub, orgId: claims.data.org, role: claims.data.role, tokenId: claims.data.jti };
    },
  };
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The token must be signed with HS256';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature is not valid';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The token is not valid: ${error.message}`;
  return 'The token is malformed';
}
