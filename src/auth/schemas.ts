/** The API objects of members and API tokens. */
import { z } from 'zod';
import { pageOf, timestamp } from '../schemas.ts';
import { RoleSchema } from './caller.ts';

/** A user id as tokens carry it in `sub` (an IdP subject, an email, a UUID...): printable, no slash, <= 256. */
export const UserIdSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\s/\\\u0000-\u001f\u007f]+$/, 'printable characters without spaces or slashes')
  .meta({ description: 'User id: the `sub` of their tokens', example: 'alice' });

export const MemberSchema = z
  .object({
    user_id: UserIdSchema,
    role: RoleSchema,
    created_at: timestamp('When they became a member'),
    updated_at: timestamp('When their role last changed'),
    updated_by: z.string().nullable().meta({ description: 'Who last set their role', example: 'admin' }),
  })
  .meta({ id: 'Member' });

export type MemberDto = z.infer<typeof MemberSchema>;

export const MemberPageSchema = pageOf(MemberSchema, 'MemberPage');

export const TokenStatusSchema = z
  .enum(['active', 'expired', 'revoked'])
  .meta({ description: 'Whether the token is accepted', example: 'active' });

export const TokenInfoSchema = z
  .object({
    id: z.string().uuid().meta({ description: 'Token id (its jti)', example: '019a8a47-9000-7000-9000-00000000000a' }),
    name: z.string().meta({ description: 'What it is for', example: 'ci-publisher' }),
    user_id: z.string().meta({ description: 'Whose token it is', example: 'alice' }),
    role: RoleSchema.meta({
      description: "The token's role cap: it acts with the lower of this and its owner's member role",
      example: 'publisher',
    }),
    created_by: z.string().nullable().meta({ description: 'Who issued it', example: 'admin' }),
    status: TokenStatusSchema,
    created_at: timestamp('When it was issued'),
    expires_at: timestamp('When it stops being accepted'),
    last_used_at: timestamp('When it was last accepted (to the minute)').nullable(),
    revoked_at: timestamp('When it was revoked').nullable(),
  })
  .meta({ id: 'TokenInfo' });

export type TokenInfo = z.infer<typeof TokenInfoSchema>;

export const TokenPageSchema = pageOf(TokenInfoSchema, 'TokenPage');

export type IssuedToken = TokenInfo & { token: string };

export const IssuedTokenSchema = TokenInfoSchema.extend({
  token: z.string().meta({
    description: 'The bearer token. Shown once: it is not stored and cannot be read again',
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...',
  }),
}).meta({ id: 'IssuedToken' });
