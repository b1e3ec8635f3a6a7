// Dependent cascade (release-please's workspace plugin, changesets' updateInternalDependents): a
// package with no change of its own whose same-run dependency is released gets a patch release,
// so its published dependency range admits the new version. Tier order makes it transitive.
// Pure: plan rows + the dependency graph in, plan rows out.

import { nextVersion } from '../scan.js';
import type { PlanRow } from '../types.js';
import type { VersionScheme } from '../versions/version.js';

export interface CascadeOptions {
  /** Packages that never release (release.ignore). */
  skip?: ReadonlySet<string>;
  /**
   * `out-of-range`: whether the dependent's declared range admits the dependency's new version (then
   * it does not release). Absent: every same-run dependency release cascades (`patch`).
   */
  admits?: (dependent: string, dependency: string, version: string, current: string) => boolean;
  /** The version scheme of a package (default semver). */
  schemeOf?: (pkg: string) => VersionScheme;
}

/** Rows with cascaded patch releases; `depsOf` names each package's same-ecosystem dependencies. */
export function applyCascade(
  rows: readonly PlanRow[],
  depsOf: (pkg: string) => readonly string[],
  opts: CascadeOptions = {},
): PlanRow[] {
  const out = [...rows].sort((a, b) => a.tier - b.tier || a.package.localeCompare(b.package));
  const planned = new Map(out.filter((r) => r.status === 'PLANNED').map((r) => [r.package, r]));
  return out.map((r) => {
    if (r.status === 'PLANNED' || opts.skip?.has(r.package)) return r;
    const released = depsOf(r.package).filter((d) => {
      const dep = planned.get(d);
      return dep?.new && !opts.admits?.(r.package, d, dep.new, dep.current);
    });
    if (released.length === 0) return r;
    const { reason: _reason, ...rest } = r;
    const row: PlanRow = {
      ...rest,
      bump: 'patch',
      new: nextVersion(r.current, 'patch', opts.schemeOf?.(r.package) ?? 'semver'),
      status: 'PLANNED',
      cascade: released.sort(),
    };
    planned.set(r.package, row);
    return row;
  });
}

/** The CHANGELOG's "Dependencies" group for a cascaded release. */
export function dependenciesSection(updated: readonly { name: string; version: string }[]): string {
  return `### Dependencies\n\n${updated.map((d) => `- ${d.name} bumped to ${d.version}`).join('\n')}\n`;
}
