import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/secrets/redact.ts';

const SECRET = 'p4ss-W0rd-secret';

describe('createRedactor', () => {
  const redact = createRedactor([SECRET, '']);

  it('masks the value and its JSON, URL and base64 forms at any alignment, in keys and values', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    for (const prefix of ['', 'u:', 'ab:']) {
      const header = `Basic ${b64(`${prefix}${SECRET}`)}`;
      // At most the few characters that mix the secret's bits with its neighbours' are left.
      expect(redact(header), prefix).toMatch(/^Basic [A-Za-z0-9+/]{0,4}\[REDACTED\][A-Za-z0-9+/=]{0,4}$/);
    }
    expect(redact({ [SECRET]: [`x${SECRET}y`, JSON.stringify({ s: SECRET }), encodeURIComponent(SECRET)] })).toEqual({
      '[REDACTED]': ['x[REDACTED]y', '{"s":"[REDACTED]"}', '[REDACTED]'],
    });
  });

  it('masks each line of a multi-line value, leaves other values alone and ignores empty secrets', () => {
    const pem = createRedactor(['-----BEGIN KEY-----\nMIIBVwIBADANBgkqhkiG\n-----END KEY-----']);
    expect(pem('line: MIIBVwIBADANBgkqhkiG')).toBe('line: [REDACTED]');
    expect(redact({ n: 1, ok: true, none: null, text: 'nothing here' })).toEqual({
      n: 1,
      ok: true,
      none: null,
      text: 'nothing here',
    });
    expect(createRedactor(['', ''])('a')).toBe('a');
  });
});
