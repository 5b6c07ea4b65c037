import { createRoute, z } from '@hono/zod-openapi';
import { MAX_SECRET_BYTES, SECRET_NAME } from '../../secrets/service.ts';
import { OrgParam } from '../members/members.routes.ts';
import { errorResponses, json, tooLargeResponse } from '../problem.ts';

export const SecretInfoSchema = z
  .object({
    name: z.string().openapi({ description: 'Secret name, as skills declare it', example: 'GITHUB_TOKEN' }),
    created_at: z.string().openapi({ description: 'When it was first stored', example: '2026-11-24T08:00:00.000Z' }),
    updated_at: z.string().openapi({ description: 'When its value last changed', example: '2026-11-24T08:00:00.000Z' }),
    last_used_at: z
      .string()
      .nullable()
      .openapi({ description: 'When a run last received it', example: '2026-11-24T09:30:00.000Z' }),
  })
  .openapi('SecretInfo');

const NameParam = z.object({
  name: z
    .string()
    .regex(SECRET_NAME, 'letters, digits and _, not starting with a digit')
    .openapi({ description: 'Secret name', example: 'GITHUB_TOKEN', param: { name: 'name', in: 'path' } }),
});

const PutSecretSchema = z
  .object({
    value: z.string().min(1).max(MAX_SECRET_BYTES).openapi({ description: 'The secret value', example: 'ghp_example' }),
  })
  .strict()
  .openapi('PutSecret');

const SecretListSchema = z.object({ data: z.array(SecretInfoSchema) }).openapi('SecretList');

const putRoute = <P extends z.ZodObject>(path: string, params: P, deprecated: boolean) =>
  createRoute({
    method: 'put',
    path,
    tags: ['Secrets'],
    summary: 'Store or replace an organisation secret (admin); it is encrypted at rest and never returned',
    deprecated,
    request: { params, body: { required: true, content: { 'application/json': { schema: PutSecretSchema } } } },
    responses: { 200: json(SecretInfoSchema, 'Stored'), ...errorResponses, ...tooLargeResponse },
  });

const listRoute = <P extends z.ZodObject>(path: string, params: P, deprecated: boolean) =>
  createRoute({
    method: 'get',
    path,
    tags: ['Secrets'],
    summary: "List the organisation's secrets: names, creation and last use (admin); values are never returned",
    deprecated,
    request: { params },
    responses: { 200: json(SecretListSchema, 'Secret names'), ...errorResponses },
  });

const removeRoute = <P extends z.ZodObject>(path: string, params: P, deprecated: boolean) =>
  createRoute({
    method: 'delete',
    path,
    tags: ['Secrets'],
    summary: 'Delete a secret (admin)',
    deprecated,
    request: { params },
    responses: { 204: { description: 'Deleted' }, ...errorResponses },
  });

const OrgNameParam = OrgParam.extend(NameParam.shape);

export const put = putRoute('/orgs/{org}/secrets/{name}', OrgNameParam, false);
export const list = listRoute('/orgs/{org}/secrets', OrgParam, false);
export const remove = removeRoute('/orgs/{org}/secrets/{name}', OrgNameParam, false);

/** The first routes, kept working for existing clients: the caller's organisation. Deprecated. */
export const legacyPut = putRoute('/secrets/{name}', NameParam, true);
export const legacyList = listRoute('/secrets', z.object({}), true);
export const legacyRemove = removeRoute('/secrets/{name}', NameParam, true);

export type PutRoute = typeof put;
export type ListRoute = typeof list;
export type RemoveRoute = typeof remove;
export type LegacyPutRoute = typeof legacyPut;
export type LegacyListRoute = typeof legacyList;
export type LegacyRemoveRoute = typeof legacyRemove;
