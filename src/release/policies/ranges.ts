// Whether a dependent's declared range admits a dependency's new version (changesets' default
// cascade, `out-of-range`: a dependent releases only when the new version leaves its range). The
// declarations are read from the clone's manifests, once per package.

import semver from 'semver';
import { satisfies as pep440Satisfies } from '@renovatebot/pep440';
import { join } from 'node:path';
import { packageKey, readManifest } from '../../manifest/read.js';
import type { ReleasePackage } from '../types.js';

/**
 * Pure: does `range` (as declared by the dependent) admit `version`? `workspace:` ranges resolve
 * against the dependency's current version as pnpm publishes them (`*` → exact, `^`/`~` → that
 * operator on it). A range ferry cannot read admits nothing (the dependent is released: the safe side).
 */
export function rangeAdmits(ecosystem: 'python' | 'npm', range: string, version: string, current: string): boolean {
  let r = range.trim();
  if (ecosystem === 'python') {
    if (!r) return true;
    try {
      return pep440Satisfies(version, r);
    } catch {
      return false;
    }
  }
  if (r.startsWith('workspace:')) {
    r = r.slice('workspace:'.length);
    r = r === '*' ? current : r === '^' || r === '~' ? `${r}${current}` : r;
  }
  if (r === '' || r === '*' || r === 'latest') return true;
  return semver.validRange(r) !== null && semver.satisfies(version, r, { includePrerelease: true });
}

/** `admits(dependent, dependency, newVersion, currentVersion)` over the clones' manifests (main and peer declarations). */
export function declaredRanges(
  pkgs: readonly Pick<ReleasePackage, 'name' | 'repoDir' | 'path' | 'ecosystem'>[],
): (dependent: string, dependency: string, version: string, current: string) => boolean {
  const cache = new Map<string, Map<string, string[]>>();
  const byName = new Map(pkgs.map((p) => [p.name, p]));
  const rangesOf = (name: string): Map<string, string[]> => {
    const hit = cache.get(name);
    if (hit) return hit;
    const p = byName.get(name);
    const out = new Map<string, string[]>();
    const m = p ? readManifest(join(p.repoDir, p.path), p.ecosystem) : null;
    for (const d of m?.dependencies ?? [])
      if (d.group === 'main' || (d.group === 'peer' && !d.extra)) out.set(d.key, [...(out.get(d.key) ?? []), d.spec]);
    cache.set(name, out);
    return out;
  };
  return (dependent, dependency, version, current) => {
    const p = byName.get(dependent);
    if (!p) return false;
    const specs = rangesOf(dependent).get(packageKey(p.ecosystem, dependency)) ?? [];
    return specs.every((s) => rangeAdmits(p.ecosystem, s, version, current));
  };
}
