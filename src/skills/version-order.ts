import semver from 'semver';

/**
 * Semver parts as stored for ordering in SQL. Prerelease identifiers are made comparable as text: numbers are
 * zero-padded so "alpha.10" sorts after "alpha.9", and digits sort before letters as semver requires.
 */
export function versionOrderColumns(version: string) {
  const parsed = semver.parse(version);
  if (!parsed) throw new Error(`not semver: ${version}`);
  const prerelease = parsed.prerelease
    .map((part) => (typeof part === 'number' ? String(part).padStart(10, '0') : part))
    .join('.');
  return { major: parsed.major, minor: parsed.minor, patch: parsed.patch, prerelease };
}

/** The next patch version after the highest existing one, or 1.0.0 for a first version. */
export function nextVersion(existing: string[]): string {
  const highest = existing.filter((v) => semver.valid(v)).sort(semver.rcompare)[0];
  return highest ? (semver.inc(highest, 'patch') ?? '1.0.0') : '1.0.0';
}
