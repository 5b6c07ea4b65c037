/**
 * The low-level client: typed `GET`/`POST`/... for every route of the API, generated from `openapi.json`
 * (`schema.ts`, by `npm run generate` in the server's repository).
 *
 * @example
 * const client = createOpenSkillsClient({ baseUrl: 'http://localhost:8000', token: process.env.OPEN_SKILLS_TOKEN });
 * const { data, error } = await client.GET('/skills/{id}', { params: { path: { id: 'csv-to-json' } } });
 */
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema.ts';

export interface OpenSkillsClientOptions {
  /** The server, e.g. `http://localhost:8000`. */
  baseUrl: string;
  /** A bearer token (an API token from `POST /tokens` or `open-skills token create`). */
  token?: string;
  /** Replaces the global `fetch` (tests, proxies, retries). */
  fetch?: typeof fetch;
}

export type OpenSkillsClient = Client<paths>;

export function createOpenSkillsClient(options: OpenSkillsClientOptions): OpenSkillsClient {
  const fetcher = options.fetch;
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    // Looked up per request, so a fetch replaced after the client was made (mocks) is the one used.
    fetch: (request: Request) => (fetcher ?? globalThis.fetch)(request),
  });
}

/** What the hand-written classes share: the typed client and a raw `fetch` with the same base and token. */
export class Connection {
  readonly baseUrl: string;
  readonly client: OpenSkillsClient;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch | undefined;

  constructor(options: OpenSkillsClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch;
    this.client = createOpenSkillsClient(options);
  }

  /** `fetch` of a path under the server, with the bearer token. */
  fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.#token && !headers.has('authorization')) headers.set('authorization', `Bearer ${this.#token}`);
    return (this.#fetch ?? globalThis.fetch)(`${this.baseUrl}${path}`, { ...init, headers });
  }
}
