/**
 * From a bearer token to a caller, on every request: the token must be genuine and current (`tokens.ts`), not
 * revoked, and its subject's role is the signed role claim or else their member role, capped by the role recorded
 * for a token POST /tokens issued. Refused logins are written to the audit trail (at most `REFUSALS_PER_SECOND` a
 * second per process, so a flood of bad tokens cannot flood the table).
 *
 * @example
 * const caller = await authenticate(bearer, requestId);
 */
import { decodeJwt } from 'jose';
import type { AuditLog } from '../audit/audit.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { ApiTokens } from './api-tokens.ts';
import { type Caller, lowerRole, type Role } from './caller.ts';
import type { Members } from './members.ts';
import type { TokenClaims, TokenService } from './tokens.ts';

export const REFUSALS_PER_SECOND = 50;

export interface AuthenticatorDeps {
  tokens: TokenService;
  members: Pick<Members, 'roleOf'>;
  apiTokens: Pick<ApiTokens, 'record' | 'touch'>;
  audit: Pick<AuditLog, 'record'>;
  clock: Clock;
  logger: Logger;
}

export type Authenticate = (token: string, requestId?: string) => Promise<Caller>;

/** What an unverified token claims, for the audit entry of its refusal (bounded, never the token itself). */
function claimed(token: string): { orgId: string; userId: string; tokenId?: string } {
  const clip = (value: unknown) => (typeof value === 'string' && value.length <= 256 ? value : undefined);
  try {
    const payload = decodeJwt(token);
    return { orgId: clip(payload['org']) ?? '', userId: clip(payload.sub) ?? 'anonymous', tokenId: clip(payload.jti) };
  } catch {
    return { orgId: '', userId: 'anonymous' };
  }
}

export function createAuthenticator(deps: AuthenticatorDeps): Authenticate {
  const window = { second: 0, written: 0, suppressed: 0 };

  /** Records a refused login and throws `error`. */
  async function refuse(token: string, requestId: string | undefined, error: AppError): Promise<never> {
    const who = claimed(token);
    deps.logger.warn({ org: who.orgId, actor: who.userId, reason: error.message }, 'login refused');
    const second = Math.floor(deps.clock.now().getTime() / 1000);
    if (second !== window.second) Object.assign(window, { second, written: 0 });
    if (window.written >= REFUSALS_PER_SECOND) {
      window.suppressed++;
      throw error;
    }
    window.written++;
    const data = { reason: error.message, token_id: who.tokenId ?? null, suppressed_before: window.suppressed };
    window.suppressed = 0;
    await deps.audit
      .record(
        { orgId: who.orgId, userId: who.userId, requestId },
        { action: 'auth.refused', targetType: 'token', targetId: who.tokenId ?? null, data, outcome: 'refused' },
      )
      .catch((e) => deps.logger.error({ err: e }, 'could not record a refused login'));
    throw error;
  }

  /** The caller's role: the signed claim, else the member's; a recorded token's cap lowers either. */
  async function roleOf(claims: TokenClaims, cap: Role | undefined): Promise<Role | undefined> {
    const role = claims.role ?? (await deps.members.roleOf(claims.orgId, claims.userId)) ?? undefined;
    return role && cap ? lowerRole(role, cap) : role;
  }

  return async (token, requestId) => {
    let claims: TokenClaims;
    try {
      claims = await deps.tokens.verify(token);
    } catch (error) {
      if (error instanceof AppError) return refuse(token, requestId, error);
      throw error;
    }
    const record = claims.issuer === 'local' ? await deps.apiTokens.record(claims.tokenId) : null;
    if (record && (record.org_id !== claims.orgId || record.user_id !== claims.userId)) {
      return refuse(token, requestId, new AppError('unauthorized', 'The token does not match its record'));
    }
    if (record?.revoked_at) return refuse(token, requestId, new AppError('unauthorized', 'The token has been revoked'));
    const role = await roleOf(claims, record?.role);
    if (!role) {
      const detail =
        `"${claims.userId}" is not a member of "${claims.orgId}"; an admin adds members with ` +
        `PUT /orgs/${claims.orgId}/members/${claims.userId}`;
      return refuse(token, requestId, new AppError('forbidden', detail));
    }
    if (record) await deps.apiTokens.touch(record.id);
    return { userId: claims.userId, orgId: claims.orgId, role, tokenId: claims.tokenId, requestId };
  };
}
