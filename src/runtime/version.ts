import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import semver from 'semver';

/** Every isolated-vm 6.x before 6.2.0 has GHSA-864f-rcv7-6rh4 (ExternalCopy transferList TOCTOU). */
export const MIN_ISOLATED_VM_VERSION = '6.2.0';

/**
 * Whether `version` is older than `minimum`, by semver. A version that is not valid semver is read by its leading
 * numbers (`6.1` as 6.1.0); one without any is treated as too old.
 *
 * @example
 * isOlderThan('6.1.9', '6.2.0'); // true
 * isOlderThan('6.2.0-rc.1', '6.2.0'); // true: a prerelease comes before its release
 */
export function isOlderThan(version: string, minimum: string): boolean {
  const parsed = semver.valid(version) ?? semver.coerce(version)?.version;
  return !parsed || semver.lt(parsed, minimum);
}

/** Reads the version of the isolated-vm the worker processes will load (same resolution root as this file). */
export function loadedIsolatedVmVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(readFileSync(require.resolve('isolated-vm/package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('isolated-vm/package.json has no version');
  return pkg.version;
}

/**
 * Refuses to start on a vulnerable isolated-vm.
 * @example assertIsolatedVmVersion(); // throws on isolated-vm 6.1.x
 */
export function assertIsolatedVmVersion(version = loadedIsolatedVmVersion()): void {
  if (isOlderThan(version, MIN_ISOLATED_VM_VERSION)) {
    throw new Error(
      `isolated-vm ${version} is too old: the sandbox needs >= ${MIN_ISOLATED_VM_VERSION} ` +
        '(earlier 6.x releases are affected by GHSA-864f-rcv7-6rh4). Upgrade isolated-vm.',
    );
  }
}
