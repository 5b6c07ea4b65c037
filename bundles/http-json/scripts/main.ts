import type { SkillContext } from './ctx.ts';
import { evaluatePath, parsePath } from './path.ts';

interface Input {
  /** https URL returning JSON; host must be in the allowlist. */
  url?: string;
  /** A JSON document (value or JSON text) to extract from instead of fetching. */
  json?: unknown;
  /** One path expression. */
  path?: string;
  /** Several named path expressions: { "name": "items[*].name" }. */
  extract?: Record<string, string>;
  headers?: Record<string, string>;
}

/** Mirrors network_allowlist in SKILL.md; checked here too so a bad URL fails with a clear message. */
const ALLOWED_HOSTS = ['api.github.com', '*.githubusercontent.com', 'httpbin.org'];
const MAX_RESPONSE_BYTES = 5_000_000;
const MAX_PATHS = 50;
// Only harmless request headers: the skill never forwards credentials it was not given through secrets.
const ALLOWED_HEADERS = new Set(['accept', 'accept-language', 'user-agent', 'if-none-match', 'x-github-api-version']);

export default async function run(input: Input, ctx: SkillContext) {
  if ((input.url === undefined) === (input.json === undefined)) {
    throw new Error('Pass exactly one of "url" (to fetch) or "json" (a document to extract from)');
  }
  const extract = input.extract ?? (input.path !== undefined ? { value: input.path } : undefined);
  if (extract !== undefined) validatePaths(extract);

  let document: unknown;
  let source: Record<string, unknown>;
  if (input.url !== undefined) {
    const url = checkUrl(input.url);
    const response = await ctx.fetch(url.href, { method: 'GET', headers: requestHeaders(input.headers) });
    if (!response.ok) throw new Error(`GET ${url.href} failed: HTTP ${response.status} ${response.statusText}`);
    const body = await response.arrayBuffer();
    if (body.byteLength > MAX_RESPONSE_BYTES) {
      throw new Error(`Response is ${body.byteLength} bytes; the limit is ${MAX_RESPONSE_BYTES}`);
    }
    document = parseJson(new TextDecoder().decode(new Uint8Array(body)), `response from ${url.host}`);
    source = {
      url: response.url || url.href,
      status: response.status,
      content_type: response.headers.get('content-type'),
    };
  } else {
    document = typeof input.json === 'string' ? parseJson(input.json, 'input "json"') : input.json;
    source = { inline: true };
  }

  if (extract === undefined) return { source, data: document };
  const data: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const [name, path] of Object.entries(extract)) {
    const value = evaluatePath(document, path);
    if (value === undefined) missing.push(name);
    // JSON has no undefined: missing values are reported as null and listed in "missing".
    data[name] = value === undefined ? null : value;
  }
  return input.extract === undefined ? { source, value: data['value'], missing } : { source, data, missing };
}

function validatePaths(extract: Record<string, string>) {
  const entries = Object.entries(extract);
  if (entries.length === 0) throw new Error('"extract" is empty: give at least one name → path');
  if (entries.length > MAX_PATHS) throw new Error(`Too many paths (${entries.length}); the limit is ${MAX_PATHS}`);
  for (const [name, path] of entries) {
    if (typeof path !== 'string') throw new Error(`Path for "${name}" must be a string`);
    parsePath(path); // throws PathSyntaxError with the position of the problem
  }
}

export function checkUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`"${raw}" is not a valid absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`Only http(s) URLs are supported, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new Error('URLs with embedded credentials are not allowed');
  const host = url.hostname.toLowerCase();
  const allowed = ALLOWED_HOSTS.some((pattern) =>
    pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1 : host === pattern,
  );
  if (!allowed) throw new Error(`Host "${host}" is not allowed; allowed hosts: ${ALLOWED_HOSTS.join(', ')}`);
  return url;
}

function requestHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const result: Record<string, string> = { accept: 'application/json' };
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!ALLOWED_HEADERS.has(name.toLowerCase())) throw new Error(`Header "${name}" is not allowed`);
    result[name.toLowerCase()] = String(value);
  }
  return result;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}
