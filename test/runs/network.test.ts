import { describe, expect, it } from 'vitest';
import { parseRange } from '../../src/api/artifacts/artifacts.handlers.ts';
import { safeResourcePath } from '../../src/runs/host.ts';
import { guardedFetch, hostAllowed, isPublicAddress } from '../../src/runs/network.ts';
import { decryptSecret, deriveSecretsKey, encryptSecret } from '../../src/secrets/crypto.ts';

describe('network guard', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.255',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::a9fe:a9fe',
    '2002:7f00:1::1',
    'ff02::1',
    '[::1]',
    'localhost',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
  ])('allows %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('matches allowlist patterns', () => {
    expect(hostAllowed('api.example.com', 443, [])).toBe(true);
    expect(hostAllowed('api.example.com', 443, ['api.example.com'])).toBe(true);
    expect(hostAllowed('API.Example.com.', 443, ['api.example.com'])).toBe(true);
    expect(hostAllowed('a.b.example.com', 443, ['*.example.com'])).toBe(true);
    expect(hostAllowed('example.com', 443, ['*.example.com'])).toBe(false);
    expect(hostAllowed('evilexample.com', 443, ['*.example.com'])).toBe(false);
    expect(hostAllowed('api.example.com', 8443, ['api.example.com:443'])).toBe(false);
    expect(hostAllowed('api.example.com', 8443, ['api.example.com:8443'])).toBe(true);
  });

  const policy = { allowNetwork: true, allowlist: [] as string[], deadline: Date.now() + 5000 };
  it.each([
    ['http://example.com/', /https/],
    ['https://127.0.0.1/', /private/],
    ['https://[::1]:8443/', /private/],
    ['https://169.254.169.254/latest/meta-data', /private/],
    ['https://user:pw@example.com/', /credentials/],
    ['ftp://example.com/', /https/],
    ['not a url', /not a URL/],
  ])('denies %s before any traffic', async (url, message) => {
    await expect(guardedFetch({ url }, policy)).rejects.toMatchObject({
      type: 'network_denied',
      message: expect.stringMatching(message),
    });
  });

  it('denies everything without allow_network, and hosts outside the allowlist', async () => {
    await expect(
      guardedFetch({ url: 'https://example.com/' }, { ...policy, allowNetwork: false }),
    ).rejects.toMatchObject({
      type: 'network_denied',
    });
    await expect(
      guardedFetch({ url: 'https://example.org/' }, { ...policy, allowlist: ['example.com'] }),
    ).rejects.toMatchObject({ type: 'network_denied' });
  });

  it('refuses names that resolve to loopback (checked at DNS time)', async () => {
    await expect(guardedFetch({ url: 'https://localhost:1/' }, policy)).rejects.toMatchObject({
      type: 'network_denied',
      message: expect.stringContaining('not public'),
    });
  });
});

describe('resource paths', () => {
  it.each(['../x', 'a/../../x', '/etc/passwd', 'a\\b', 'a/..', '', '.'])('refuses %j', (path) => {
    expect(safeResourcePath(path)).toBeNull();
  });
  it('normalises safe paths', () => {
    expect(safeResourcePath('resources/./a.txt')).toBe('resources/a.txt');
  });
});

describe('byte ranges', () => {
  it('parses single ranges and flags unsatisfiable ones', () => {
    expect(parseRange(undefined, 10)).toBeUndefined();
    expect(parseRange('items=0-1', 10)).toBeUndefined();
    expect(parseRange('bytes=0-4', 10)).toEqual({ start: 0, end: 4 });
    expect(parseRange('bytes=5-', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=0-99', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-2', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,3-4', 10)).toBe('unsatisfiable');
  });
});

describe('secret encryption', () => {
  it('round-trips and is bound to org and name', () => {
    const key = deriveSecretsKey('x'.repeat(32));
    const sealed = encryptSecret(key, 'acme', 'TOKEN', 'value');
    expect(decryptSecret(key, 'acme', 'TOKEN', sealed)).toBe('value');
    expect(() => decryptSecret(key, 'globex', 'TOKEN', sealed)).toThrow();
    expect(() => decryptSecret(deriveSecretsKey('y'.repeat(32)), 'acme', 'TOKEN', sealed)).toThrow();
  });
});
