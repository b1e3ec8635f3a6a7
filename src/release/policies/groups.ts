// Version groups (changesets `fixed` / `linked`, release-please `linked-versions`). Lockstep: when
// any member releases, every member releases at one version — the highest current version among
// them, bumped by the highest bump among those with changes. Linked: only members with changes
// release, at that one version. Pure: plan rows in, plan rows out.

import type { Bump } from '../conventional.js';
import { maxBump } from '../changesets.js';
import { nextVersion } from '../scan.js';
import type { PlanRow } from '../types.js';
import { compareVersions, type VersionScheme } from '../versions/version.js';

export interface VersionGroup {
  name: string;
  packages: readonly string[];
  mode: 'lockstep' | 'linked';
}

/**
 * Rows with every group applied. `schemeOf` gives a package's version scheme; `skip` names packages
 * that never release (release.ignore). A member not in the rows (not selected) is left alone.
 */
export function applyGroups(
  rows: readonly PlanRow[],
  groups: readonly VersionGroup[],
  schemeOf: (pkg: string) => VersionScheme,
  skip: ReadonlySet<string> = new Set(),
  prerelease: string | null = null,
): PlanRow[] {
  const out = [...rows];
  for (const g of groups) {
    const idx = out.map((r, i) => (g.packages.includes(r.package) ? i : -1)).filter((i) => i >= 0);
    const releasing = idx.filter((i) => out[i]!.status === 'PLANNED' && out[i]!.bump);
    if (!releasing.length) continue;
    const bump = releasing.reduce<Bump | null>((b, i) => maxBump(b, out[i]!.bump), null)!;
    const scheme = schemeOf(out[idx[0]!]!.package);
    const base = idx.map((i) => out[i]!.current).reduce((a, b) => (compareVersions(scheme, b, a) > 0 ? b : a));
    const version = nextVersion(base, bump, scheme, prerelease);
    const targets = g.mode === 'lockstep' ? idx.filter((i) => !skip.has(out[i]!.package)) : releasing;
    for (const i of targets) {
      const r = out[i]!;
      if (r.status === 'PLANNED' && r.bump === bump && r.new === version && r.group === g.name) continue;
      const { reason: _reason, ...rest } = r;
      out[i] = { ...rest, status: 'PLANNED', bump, new: version, group: g.name };
    }
  }
  return out;
}

/**
 * Pure: the packages named for a run plus every member of a lockstep group one of them is in (a group
 * releases together or not at all, so `ferry release core` of a lockstep group is a release of the
 * group); `joined` lists, per group, who came in and which named member brought them.
 */
export function withLockstepMembers(
  names: readonly string[],
  groups: readonly VersionGroup[],
): { names: string[]; joined: { group: string; packages: string[]; via: string[] }[] } {
  const out = new Set(names);
  const joined: { group: string; packages: string[]; via: string[] }[] = [];
  for (const g of groups) {
    if (g.mode !== 'lockstep') continue;
    const via = g.packages.filter((p) => names.includes(p));
    const packages = g.packages.filter((p) => !out.has(p));
    if (!via.length || !packages.length) continue;
    for (const p of packages) out.add(p);
    joined.push({ group: g.name, packages, via });
  }
  return { names: [...out], joined };
}
