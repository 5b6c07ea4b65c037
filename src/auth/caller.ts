import { z } from 'zod';
import { AppError } from '../errors.ts';

export const ROLES = ['viewer', 'author', 'publisher', 'admin'] as const;
export const RoleSchema = z.enum(ROLES).meta({ description: 'What the caller may do', example: 'author' });
export type Role = z.infer<typeof RoleSchema>;

/** Who is calling, from a verified token. */
export interface Caller {
  userId: string;
  orgId: string;
  role: Role;
  tokenId: string;
}

const RANK: Record<Role, number> = { viewer: 0, author: 1, publisher: 2, admin: 3 };

export function hasRole(caller: Caller, needed: Role): boolean {
  return RANK[caller.role] >= RANK[needed];
}

/** Throws 403 unless the caller's role is at least `needed`. */
export function requireRole(caller: Caller, needed: Role, action: string): void {
  if (!hasRole(caller, needed)) {
    throw new AppError('forbidden', `Role "${caller.role}" may not ${action}; it needs "${needed}" or higher`);
  }
}
