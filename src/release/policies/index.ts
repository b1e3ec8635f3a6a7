// The policies that turn scanned intents into the plan's versions, in order: release.ignore, pre-1.0
// rules, then the dependent cascade and version groups until neither changes anything (a group
// member released by its group can cascade to its dependents, and a cascade can wake a group), as
// changesets' assemble-release-plan does. A cascaded patch is never itself subject to the pre-1.0 rule.

import type { LoadedConfig } from '../../config/load.js';
import type { Bump } from '../conventional.js';
import type { PlanRow, ReleasePackage } from '../types.js';
import { canonicalJson } from '../plan.js';
import { schemeOf } from '../versions/version.js';
import { applyCascade } from './cascade.js';
import { applyGroups } from './groups.js';
import { applyPreMajor } from './pre-major.js';
import { declaredRanges } from './ranges.js';

/** Pure but for `out-of-range`, which reads the clones' manifests. An explicit --bump is taken as given (no pre-1.0 rewrite). */
export function releasePolicies(
  rows: readonly PlanRow[],
  pkgs: readonly ReleasePackage[],
  loaded: Pick<LoadedConfig, 'config'>,
  bumpOverride: Bump | null,
  prerelease: string | null = null,
): PlanRow[] {
  const cfg = loaded.config.release;
  const pkgCfg = new Map(loaded.config.packages.map((p) => [p.name, p]));
  const skip = new Set(cfg.ignore);
  let out = rows.map((r): PlanRow => {
    if (!skip.has(r.package)) return r;
    const { changesets: _c, ...rest } = r;
    return { ...rest, status: 'NOTHING_TO_RELEASE', new: null, bump: null, reason: 'ignored (release.ignore)' };
  });
  if (!bumpOverride)
    out = applyPreMajor(out, (name) => ({
      bump_minor_pre_major: pkgCfg.get(name)?.bump_minor_pre_major ?? cfg.bump_minor_pre_major,
      bump_patch_for_minor_pre_major:
        pkgCfg.get(name)?.bump_patch_for_minor_pre_major ?? cfg.bump_patch_for_minor_pre_major,
    }));
  const deps = new Map(pkgs.map((p) => [p.name, p.deps]));
  const scheme = new Map(pkgs.map((p) => [p.name, schemeOf(p.ecosystem)]));
  const schemeFor = (name: string) => scheme.get(name) ?? 'semver';
  const admits = cfg.cascade === 'out-of-range' ? declaredRanges(pkgs) : undefined;
  // Each pass only adds releases or raises versions, so this settles; the bound is a guard.
  for (let pass = 0; pass < 2 * pkgs.length + 2; pass++) {
    const before = out;
    // Groups first: a member its group releases is not a cascade (its dependents may be).
    out = applyGroups(out, cfg.groups, schemeFor, skip, prerelease);
    if (cfg.cascade !== 'none')
      out = applyCascade(out, (name) => deps.get(name) ?? [], {
        skip,
        schemeOf: schemeFor,
        ...(admits ? { admits } : {}),
      });
    if (sameRows(before, out)) break;
  }
  return out;
}

/**
 * Whether a pass changed nothing: row by row, as the canonical JSON of the whole list would tell
 * (the policies build new rows and never edit one in place, so an untouched row is the same object
 * and costs no serialization; a plan of hundreds of rows settles in a few passes).
 */
function sameRows(a: readonly PlanRow[], b: readonly PlanRow[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i] || canonicalJson(r) === canonicalJson(b[i]));
}
