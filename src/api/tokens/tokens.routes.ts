import { createRoute, z } from '@hono/zod-openapi';
import { RoleSchema } from '../../auth/caller.ts';
import { IssuedTokenSchema, TokenPageSchema, UserIdSchema } from '../../auth/schemas.ts';
import { CursorQuery } from '../../skills/schemas.ts';
import { errorResponses, json, tooLargeResponse } from '../problem.ts';

export const IssueTokenSchema = z
  .object({
    name: z.string().trim().min(1).max(100).openapi({ description: 'What the token is for', example: 'ci-publisher' }),
    role: RoleSchema.optional().openapi({
      description:
        "The token's role cap (it acts with the lower of this and the owner's member role); defaults to the " +
        "caller's role for their own token. Never above the caller's role",
      example: 'publisher',
    }),
    user_id: UserIdSchema.optional().openapi({
      description: 'Whose token (admin only; default: the caller). A user who is not a member becomes one with `role`',
      example: 'ci-bot',
    }),
    expires_in_days: z.number().int().min(1).max(365).optional().openapi({
      description: 'Lifetime in days (default 30, at most TOKEN_MAX_LIFETIME_DAYS)',
      example: 30,
    }),
  })
  .strict()
  .openapi('IssueToken');

const TokenIdParam = z.object({
  id: z
    .string()
    .uuid()
    .openapi({
      description: 'Token id',
      example: '019a8a47-9000-7000-9000-00000000000a',
      param: { name: 'id', in: 'path' },
    }),
});

export const issue = createRoute({
  method: 'post',
  path: '/tokens',
  tags: ['Auth'],
  summary: 'Issue a named API token with a role cap and an expiry; the token is in this answer only',
  description:
    'Any member may issue a token for themselves with a role no higher than theirs; an admin may issue one for any ' +
    'user (a user who is not a member becomes one with the given role).',
  request: { body: { required: true, content: { 'application/json': { schema: IssueTokenSchema } } } },
  responses: { 201: json(IssuedTokenSchema, 'The token, shown once'), ...errorResponses, ...tooLargeResponse },
});

export const list = createRoute({
  method: 'get',
  path: '/tokens',
  tags: ['Auth'],
  summary: "List API tokens (never the tokens themselves): the caller's own, or the organisation's for an admin",
  request: {
    query: z.object({
      user: z
        .string()
        .max(256)
        .optional()
        .openapi({ description: "Admin: only this user's tokens", example: 'ci-bot' }),
      ...CursorQuery,
    }),
  },
  responses: { 200: json(TokenPageSchema, 'A page of tokens, newest first'), ...errorResponses },
});

export const revoke = createRoute({
  method: 'delete',
  path: '/tokens/{id}',
  tags: ['Auth'],
  summary: 'Revoke a token (own, or any for an admin); refused on every replica within a second',
  request: { params: TokenIdParam },
  responses: { 204: { description: 'Revoked' }, ...errorResponses },
});

export type IssueRoute = typeof issue;
export type ListRoute = typeof list;
export type RevokeRoute = typeof revoke;
