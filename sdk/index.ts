/**
 * The open-skills TypeScript SDK: a typed fetch client over the generated `schema.d.ts`.
 *
 * @example
 * const client = createOpenSkillsClient({ baseUrl: 'http://localhost:8000', token: process.env.OPEN_SKILLS_TOKEN });
 * const { data, error } = await client.GET('/skills/{id}', { params: { path: { id: 'csv-to-json' } } });
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema.d.ts';

export type { components, paths };
export type Problem = components['schemas']['Problem'];

export interface OpenSkillsClientOptions {
  baseUrl: string;
  token?: string;
  fetch?: typeof fetch;
}

export function createOpenSkillsClient(options: OpenSkillsClientOptions): Client<paths> {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/$/, ''),
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
