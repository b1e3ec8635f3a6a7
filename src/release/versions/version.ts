// Versions by the ecosystem's own rules: PEP 440 for Python (via @renovatebot/pep440, which
// implements the spec's parse and ordering), semver for npm. Pure: parse, compare, bump, pre-release.

import * as pep440 from '@renovatebot/pep440';
import semver from 'semver';
import { ErrorCode, FerryError } from '../../errors.js';
import type { Bump } from '../conventional.js';
import type { Ecosystem } from '../types.js';

export type VersionScheme = 'pep440' | 'semver';

export function schemeOf(ecosystem: Ecosystem): VersionScheme {
  return ecosystem === 'python' ? 'pep440' : 'semver';
}

/**
 * The version's canonical text, or null when it is not a version of this scheme. Text must start
 * with a digit: `v1.2` is a tag that holds a version, not a version (PEP 440 would accept the v).
 */
export function parseVersion(scheme: VersionScheme, text: string): string | null {
  if (!/^\d/.test(text)) return null;
  if (scheme === 'semver') return semver.valid(text);
  const e = pep440.explain(text);
  // A local version (`+ubuntu1`) is never a release on an index.
  return e && e.local === null ? (pep440.clean(text) ?? null) : null;
}

/** a < b → negative, equal (by the scheme: PEP 440 `1.2` == `1.2.0`) → 0, a > b → positive. */
export function compareVersions(scheme: VersionScheme, a: string, b: string): number {
  return scheme === 'semver' ? semver.compare(a, b) : pep440.compare(a, b);
}

export function isPrerelease(scheme: VersionScheme, v: string): boolean {
  if (scheme === 'semver') return (semver.prerelease(v) ?? []).length > 0;
  return Boolean(pep440.explain(v)?.is_prerelease);
}

function invalid(scheme: VersionScheme, v: string): FerryError {
  const what = scheme === 'pep440' ? 'a PEP 440 version (e.g. 1.2.0, 2.1, 1.0rc1)' : 'a semver version (e.g. 1.2.0)';
  return new FerryError(ErrorCode.CONFIG_INVALID, `cannot bump ${JSON.stringify(v)}: not ${what}`, {
    fix: 'fix the version in the manifest (or the last tag) and run ferry release --dry-run again',
  });
}

const BUMP_INDEX: Record<Bump, number> = { major: 0, minor: 1, patch: 2 };

/**
 * PEP 440 bump with graduation: a pre-release (or a `.devN` of an unreleased version) whose parts
 * below the bump level are zero graduates to its release (`1.1.0rc2` + minor|patch → `1.1.0`);
 * otherwise the release part is bumped at that level, keeping its length (`2.1` + minor → `2.2`).
 */
function pepBump(v: string, bump: Bump): string {
  const e = pep440.explain(v);
  if (!e) throw invalid('pep440', v);
  const unreleased = e.pre !== null || (e.dev !== null && e.post === null);
  const lowerZero = e.release.slice(BUMP_INDEX[bump] + 1).every((n) => n === 0);
  if (unreleased && lowerZero) return pep440.clean(e.base_version) ?? e.base_version;
  // The library's inc treats a .devN without pre as released; bump its base instead.
  const out = pep440.inc(unreleased ? e.base_version : v, bump);
  if (!out) throw invalid('pep440', v);
  return out;
}

/** The release `bump` leads to from `current` (pre-releases graduate, see pepBump / semver.inc). */
export function bumpVersion(scheme: VersionScheme, current: string, bump: Bump): string {
  if (scheme === 'pep440') return pepBump(current, bump);
  const out = semver.valid(current) ? semver.inc(current, bump) : null;
  if (!out) throw invalid(scheme, current);
  return out;
}

const PEP_PRE: Record<string, 'a' | 'b' | 'rc'> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  rc: 'rc',
  c: 'rc',
  pre: 'rc',
  preview: 'rc',
};

/**
 * The pre-release identifier as the scheme spells it (PEP 440: a, b, rc and their aliases; semver:
 * one dot-free identifier such as next, beta, rc). @throws USAGE for one the scheme cannot hold.
 */
export function normalizePreId(scheme: VersionScheme, id: string): string {
  if (scheme === 'pep440') {
    const n = PEP_PRE[id.toLowerCase()];
    if (!n)
      throw new FerryError(
        ErrorCode.USAGE,
        `--prerelease ${JSON.stringify(id)}: a Python package's pre-release is a, b or rc (PEP 440)`,
        { fix: 'ferry release --prerelease rc' },
      );
    return n;
  }
  if (!/^[0-9A-Za-z-]+$/.test(id) || /^\d+$/.test(id))
    throw new FerryError(
      ErrorCode.USAGE,
      `--prerelease ${JSON.stringify(id)}: an npm pre-release identifier is letters, digits and - (e.g. next, beta, rc)`,
      { fix: 'ferry release --prerelease next' },
    );
  return id;
}

/**
 * The next pre-release: the release `bump` leads to, with pre-release `id`. When `current` is
 * already a pre-release of that same release with the same id, its number goes up
 * (`1.1.0rc1` → `1.1.0rc2`, `3.0.0-next.2` → `3.0.0-next.3`); otherwise the series starts:
 * PEP 440 at 1 (`1.1.0rc1`, as Python projects number them), semver at 0 (`3.0.0-next.0`, as
 * `npm version prerelease` and changesets' pre mode do).
 */
export function prereleaseVersion(scheme: VersionScheme, current: string, bump: Bump, id: string): string {
  const pre = normalizePreId(scheme, id);
  const target = bumpVersion(scheme, current, bump);
  if (scheme === 'pep440') {
    const e = pep440.explain(current);
    const sameRelease = e?.pre && pep440.compare(e.base_version, target) === 0;
    if (e?.pre && sameRelease && e.pre[0] === pre) return `${target}${pre}${Number(e.pre[1]) + 1}`;
    return `${target}${pre}1`;
  }
  const parts = semver.prerelease(current);
  const sameRelease = parts && `${semver.major(current)}.${semver.minor(current)}.${semver.patch(current)}` === target;
  if (parts && sameRelease && parts[0] === pre && typeof parts[1] === 'number')
    return semver.inc(current, 'prerelease', pre)!;
  return `${target}-${pre}.0`;
}

/** The highest of `versions` by the scheme (null for none). */
export function maxVersion(scheme: VersionScheme, versions: readonly string[]): string | null {
  let best: string | null = null;
  for (const v of versions) if (best === null || compareVersions(scheme, v, best) > 0) best = v;
  return best;
}
