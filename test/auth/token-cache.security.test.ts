import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenService } from '../../src/auth/tokens.ts';
import { AppError } from '../../src/errors.ts';
import { TEST_SECRET, testClock } from '../helpers/app.ts';

// A token's signature is verified once and remembered by its exact text; nothing else is (tokens.ts).
describe('verified-signature cache', () => {
  const key = new TextEncoder().encode(TEST_SECRET);
  const refusal = async (work: Promise<unknown>) => {
    const error = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).message;
  };

  it('still refuses a token once it expires, and before its nbf', async () => {
    const clock = testClock();
    const tokens = createTokenService(TEST_SECRET, clock);
    const token = await tokens.issue({ userId: 'alice', orgId: 'acme', role: 'admin', ttlSeconds: 60 });
    expect((await tokens.verify(token)).userId).toBe('alice');
    expect((await tokens.verify(token)).userId).toBe('alice');
    clock.advance(61_000);
    expect(await refusal(tokens.verify(token))).toMatch(/expired/);

    const now = Math.floor(clock.now().getTime() / 1000);
    const later = await new SignJWT({ org: 'acme', sub: 'bob', jti: 'n1', iat: now, nbf: now + 30, exp: now + 600 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(key);
    expect(await refusal(tokens.verify(later))).toMatch(/nbf/);
    clock.advance(31_000);
    expect((await tokens.verify(later)).userId).toBe('bob');
    clock.advance(-31_000);
    expect(await refusal(tokens.verify(later))).toMatch(/nbf/);
  });

  it('does not let a tampered copy of a verified token through', async () => {
    const tokens = createTokenService(TEST_SECRET, testClock());
    const token = await tokens.issue({ userId: 'alice', orgId: 'acme', role: 'viewer' });
    await tokens.verify(token);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const raised = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    expect(await refusal(tokens.verify(`${header}.${raised}.${signature}`))).toMatch(/signature/);
    // Another service (another secret) never sees this one's cache.
    const other = createTokenService(`${TEST_SECRET}-other`, testClock());
    expect(await refusal(other.verify(token))).toMatch(/signature/);
  });

  it('checks the lifetime cap on every use', async () => {
    const clock = testClock();
    const lenient = createTokenService(TEST_SECRET, clock, { maxLifetimeSeconds: 3600 });
    const strict = createTokenService(TEST_SECRET, clock, { maxLifetimeSeconds: 60 });
    const token = await lenient.issue({ userId: 'alice', orgId: 'acme', ttlSeconds: 600 });
    await lenient.verify(token);
    expect(await refusal(strict.verify(token))).toMatch(/lives longer/);
  });
});
