/**
 * `ctx.fetch` on the host side: https only, hosts from the skill's allowlist, and never a private, loopback,
 * link-local, unique-local or CGNAT address. The address check runs inside the socket's DNS lookup, so the
 * connection goes to exactly the address that was checked (no DNS rebinding between check and connect), and again
 * for every redirect, which is followed by hand.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { type FetchRequest, type FetchResponse, HostCallError } from '../runtime/types.ts';

// Two lists: a BlockList also checks IPv4 addresses against IPv6 rules in their ::ffff: form, and the IPv6 list
// refuses every IPv4-mapped address.
const blocked4 = new BlockList();
const blocked6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata lives here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved and broadcast
] as const) {
  blocked4.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['::ffff:0:0', 96], // IPv4-mapped: refused rather than unwrapped
  ['64:ff9b::', 96], // NAT64
  ['64:ff9b:1::', 48], // local NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds an IPv4 address)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blocked6.addSubnet(net, prefix, 'ipv6');
}

/**
 * True when `address` is an IP literal on the public internet.
 *
 * @example
 * isPublicAddress('93.184.216.34'); // true
 * isPublicAddress('169.254.169.254'); // false
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return !blocked4.check(bare, 'ipv4');
  if (family === 6) return !blocked6.check(bare, 'ipv6');
  return false;
}

/**
 * Whether `host` (and `port`) matches one allowlist pattern: `api.example.com`, `*.example.com` (subdomains only)
 * or either with `:port`. An empty allowlist allows every public host.
 *
 * @example
 * hostAllowed('a.example.com', 443, ['*.example.com']); // true
 */
export function hostAllowed(host: string, port: number, allowlist: readonly string[]): boolean {
  if (allowlist.length === 0) return true;
  const name = host.toLowerCase().replace(/\.$/, '');
  return allowlist.some((raw) => {
    const [pattern = '', portText] = raw.toLowerCase().split(/:(?=\d+$)/);
    if (portText !== undefined && Number(portText) !== port) return false;
    if (pattern.startsWith('*.')) return name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1;
    return name === pattern;
  });
}

export interface NetworkPolicy {
  allowNetwork: boolean;
  allowlist: readonly string[];
  /** Epoch ms after which requests stop. */
  deadline: number;
  maxResponseBytes?: number;
  maxRequestMs?: number;
  maxRedirects?: number;
}

const denied = (message: string) => new HostCallError('network_denied', message);

function checkUrl(url: URL, policy: NetworkPolicy): void {
  if (url.protocol !== 'https:') throw denied(`ctx.fetch only allows https URLs, not ${url.protocol}//${url.host}`);
  if (url.username || url.password) throw denied('ctx.fetch URLs may not carry credentials');
  const port = url.port ? Number(url.port) : 443;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!hostAllowed(host, port, policy.allowlist)) {
    throw denied(`Host ${url.host} is not in the skill's network_allowlist`);
  }
  if (isIP(host) && !isPublicAddress(host)) throw denied(`Address ${host} is private, loopback or link-local`);
}

type LookupCallback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;

/** A DNS lookup for sockets that refuses names resolving to any non-public address. */
function guardedLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  dnsLookup(hostname, { all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad || addresses.length === 0) {
      return callback(denied(`${hostname} resolves to ${bad?.address ?? 'nothing'}, which is not public`), []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}

const HOP_HEADERS = new Set(['host', 'connection', 'keep-alive', 'proxy-authorization', 'te', 'upgrade', 'trailer']);

function once(url: URL, init: FetchRequest, policy: NetworkPolicy): Promise<FetchResponse> {
  const maxBytes = policy.maxResponseBytes ?? 5 * 1024 * 1024;
  const timeout = Math.max(1, Math.min(policy.maxRequestMs ?? 15_000, policy.deadline - Date.now()));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(init.headers ?? {})) if (!HOP_HEADERS.has(k.toLowerCase())) headers[k] = v;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: init.method ?? 'GET', headers, lookup: guardedLookup as never, signal: AbortSignal.timeout(timeout) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy(denied(`The response from ${url.host} is larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = [v].flat().join(', ');
          resolve({
            url: url.href,
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: out,
            body: new Uint8Array(Buffer.concat(chunks)),
          });
        });
      },
    );
    req.on('error', (error) => {
      if (error instanceof HostCallError) reject(error);
      else if (error.name === 'TimeoutError' || error.name === 'AbortError')
        reject(new Error(`ctx.fetch to ${url.host} timed out`));
      else reject(new Error(`ctx.fetch to ${url.host} failed: ${error.message}`));
    });
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

/** Performs one guest `ctx.fetch` under `policy`; throws `HostCallError('network_denied')` for refused requests. */
export async function guardedFetch(request: FetchRequest, policy: NetworkPolicy): Promise<FetchResponse> {
  if (!policy.allowNetwork) throw denied('This skill does not declare allow_network: true; ctx.fetch is disabled');
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw denied(`"${request.url}" is not a URL`);
  }
  let init = request;
  const maxRedirects = policy.maxRedirects ?? 5;
  for (let hop = 0; ; hop++) {
    checkUrl(url, policy);
    const response = await once(url, init, policy);
    const location = response.headers['location'];
    if (response.status < 300 || response.status > 399 || !location) return response;
    if (hop >= maxRedirects) throw denied(`More than ${maxRedirects} redirects from ${request.url}`);
    const next = new URL(location, url);
    if (next.origin !== url.origin && init.headers) {
      // Credentials meant for one origin are not forwarded to another.
      const headers = Object.fromEntries(
        Object.entries(init.headers).filter(([k]) => !['authorization', 'cookie'].includes(k.toLowerCase())),
      );
      init = { ...init, headers };
    }
    url = next;
    const method = (init.method ?? 'GET').toUpperCase();
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      init = { ...init, method: 'GET', body: undefined };
    }
  }
}
