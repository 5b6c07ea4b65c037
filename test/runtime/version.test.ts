import { describe, expect, it } from 'vitest';
import { assertIsolatedVmVersion, isOlderThan, MIN_ISOLATED_VM_VERSION } from '../../src/runtime/version.ts';

describe('isolated-vm version floor', () => {
  it('refuses releases before the fix, its prereleases and unreadable versions', () => {
    for (const version of ['6.1.9', '5.9.0', '6.2.0-rc.1', 'not-a-version']) {
      expect(() => assertIsolatedVmVersion(version), version).toThrow(/too old/);
    }
  });

  it('accepts the fixed release and later ones, also when written loosely', () => {
    for (const version of [MIN_ISOLATED_VM_VERSION, '6.2.1', '6.10.0', '7.0.0-beta.1', '6.3']) {
      expect(() => assertIsolatedVmVersion(version), version).not.toThrow();
    }
    expect(isOlderThan('6.9.0', '6.10.0')).toBe(true);
  });

  it('accepts the isolated-vm installed here', () => {
    expect(() => assertIsolatedVmVersion()).not.toThrow();
  });
});
