import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Every isolated-vm 6.x before 6.2.0 has GHSA-864f-rcv7-6rh4 (ExternalCopy transferList TOCTOU). */
export const MIN_ISOLATED_VM_VERSION = '6.2.0';

function parse(version: string): number[] {
  return version
    .split(/[.+-]/)
    .slice(0, 3)
    .map((part) => Number.parseInt(part, 10) || 0);
}

export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
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
  if (compareVersions(version, MIN_ISOLATED_VM_VERSION) < 0) {
    throw new Error(
      `isolated-vm ${version} is too old: the sandbox needs >= ${MIN_ISOLATED_VM_VERSION} ` +
        '(earlier 6.x releases are affected by GHSA-864f-rcv7-6rh4). Upgrade isolated-vm.',
    );
  }
}
