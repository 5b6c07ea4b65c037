import { createRoute, z } from '@hono/zod-openapi';
import { RoleSchema } from '../../auth/caller.ts';
import { MemberPageSchema, MemberSchema, UserIdSchema } from '../../auth/schemas.ts';
import { CursorQuery } from '../../skills/schemas.ts';
import { conflictResponse, errorResponses, json, tooLargeResponse } from '../problem.ts';

/** `/orgs/{org}`: the caller's own organisation; any other is not found. */
export const OrgParam = z.object({
  org: z
    .string()
    .min(1)
    .max(256)
    .openapi({
      description: "Organisation id (the token's org claim)",
      example: 'acme',
      param: { name: 'org', in: 'path' },
    }),
});

const MemberParams = OrgParam.extend({
  user: UserIdSchema.openapi({ description: 'User id', example: 'bob', param: { name: 'user', in: 'path' } }),
});

export const list = createRoute({
  method: 'get',
  path: '/orgs/{org}/members',
  tags: ['Members'],
  summary: "List the organisation's members and their roles (admin)",
  request: {
    params: OrgParam,
    query: z.object({ role: RoleSchema.optional().openapi({ description: 'Only this role' }), ...CursorQuery }),
  },
  responses: { 200: json(MemberPageSchema, 'A page of members, newest first'), ...errorResponses },
});

export const get = createRoute({
  method: 'get',
  path: '/orgs/{org}/members/{user}',
  tags: ['Members'],
  summary: 'Get a member (admin)',
  request: { params: MemberParams },
  responses: { 200: json(MemberSchema, 'The member'), ...errorResponses },
});

export const put = createRoute({
  method: 'put',
  path: '/orgs/{org}/members/{user}',
  tags: ['Members'],
  summary: 'Add a member or change their role (admin); takes effect on their next request',
  description: 'The last admin cannot be demoted (409).',
  request: {
    params: MemberParams,
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ role: RoleSchema }).strict().openapi('PutMember') } },
    },
  },
  responses: {
    200: json(MemberSchema, 'The member, changed'),
    201: json(MemberSchema, 'The member, added'),
    ...errorResponses,
    ...conflictResponse,
    ...tooLargeResponse,
  },
});

export const remove = createRoute({
  method: 'delete',
  path: '/orgs/{org}/members/{user}',
  tags: ['Members'],
  summary: 'Remove a member (admin) and revoke their API tokens; the last admin cannot be removed (409)',
  request: { params: MemberParams },
  responses: { 204: { description: 'Removed' }, ...errorResponses, ...conflictResponse },
});

export type ListRoute = typeof list;
export type GetRoute = typeof get;
export type PutRoute = typeof put;
export type RemoveRoute = typeof remove;
