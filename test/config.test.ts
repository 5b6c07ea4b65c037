import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(8000);
    expect(config.DATA_DIR).toBe('./.open-skills');
    expect(config.POSTGRES_URL).toBeUndefined();
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('names every wrong variable at once', () => {
    try {
      loadConfig({ PORT: 'abc', POSTGRES_URL: 'notaurl', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toMatch(/PORT:.*"abc"/);
      expect(message).toMatch(/POSTGRES_URL: must be a postgres/);
      expect(message).toMatch(/LOG_LEVEL/);
      expect((error as ConfigError).problems).toHaveLength(3);
    }
  });

  it('caps token lifetimes at a year and wants issuer and audience with a JWKS', () => {
    expect(loadConfig({}).TOKEN_MAX_LIFETIME_DAYS).toBe(90);
    expect(loadConfig({ TOKEN_MAX_LIFETIME_DAYS: '365' }).TOKEN_MAX_LIFETIME_DAYS).toBe(365);
    expect(() => loadConfig({ TOKEN_MAX_LIFETIME_DAYS: '366' })).toThrow(/TOKEN_MAX_LIFETIME_DAYS/);
    expect(() => loadConfig({ JWT_JWKS_URL: 'https://idp.example.com/jwks.json' })).toThrow(
      /JWT_ISSUER, JWT_AUDIENCE: required/,
    );
  });

  it('requires a shared JWT secret with a real database server', () => {
    expect(() => loadConfig({ POSTGRES_URL: 'postgres://db/x' })).toThrow(/JWT_SECRET: required/);
    expect(loadConfig({ POSTGRES_URL: 'postgres://db/x', JWT_SECRET: 'x'.repeat(32) }).JWT_SECRET).toHaveLength(32);
  });
});

describe('the server process with bad configuration', () => {
  it.each([
    ['PORT', 'abc'],
    ['POSTGRES_URL', 'notaurl'],
  ])('exits non-zero naming %s', (name, value) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env['PATH'], [name]: value, DATA_DIR: '/nonexistent/never-used' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${name}:`);
    expect(result.stderr).toContain('Invalid configuration');
  });
});
