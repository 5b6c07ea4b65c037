import { z } from 'zod';
import { AppError } from '../errors.ts';

export const ROLES = ['viewer', 'author', 'publisher', 'admin'] as const;
export const RoleSchema = z.enum(ROLES).meta({
  description:
    'viewer: read published skills, run them, read own runs; author: + create skills, upload versions, run own ' +
    'drafts; publisher: + publish/deprecate, run any draft, read runs of skills they publish; admin: everything ' +
    'in the organisation (members, tokens, secrets, audit)',
  example: 'author',
});
export type Role = z.infer<typeof RoleSchema>;

/** Who is calling, from a verified token, and the request it made (for the audit trail). */
export interface Caller {
  userId: string;
  orgId: string;
  /** The effective role: the signed role claim, or the member's role capped by the token's recorded role. */
  role: Role;
  tokenId: string;
  requestId?: string;
}

const RANK: Record<Role, number> = { viewer: 0, author: 1, publisher: 2, admin: 3 };

export function hasRole(caller: Pick<Caller, 'role'>, needed: Role): boolean {
  return RANK[caller.role] >= RANK[needed];
}

/** The lower of two roles (a token's cap applied to a member's role). */
export const lowerRole = (a: Role, b: Role): Role => (RANK[a] <= RANK[b] ? a : b);

/** Throws 403 unless the caller's role is at least `needed`. */
export function requireRole(caller: Caller, needed: Role, action: string): void {
  if (!hasRole(caller, needed)) {
    throw new AppError('forbidden', `Role "${caller.role}" may not ${action}; it needs "${needed}" or higher`);
  }
}

/**
 * For routes under `/orgs/{org}`: another organisation is not found whatever the caller's role (404), and in their
 * own organisation only an admin may act (403).
 */
export function requireOrgAdmin(caller: Caller, org: string, action: string): void {
  if (org !== caller.orgId) throw new AppError('not_found', `Organisation "${org}" not found`);
  requireRole(caller, 'admin', action);
}
