// Dependent cascade (release-please's workspace plugin, changesets' updateInternalDependents): a
// package with no change of its own whose same-run dependency is released gets a patch release,
// so its published dependency range admits the new version. Tier order makes it transitive.
// Pure: plan rows + the dependency graph in, plan rows out.

import { nextVersion } from '../scan.js';
import type { PlanRow } from '../types.js';

/** Rows with cascaded patch releases; `depsOf` names each package's same-ecosystem dependencies. */
export function applyCascade(rows: readonly PlanRow[], depsOf: (pkg: string) => readonly string[]): PlanRow[] {
  const out = [...rows].sort((a, b) => a.tier - b.tier || a.package.localeCompare(b.package));
  const planned = new Set(out.filter((r) => r.status === 'PLANNED').map((r) => r.package));
  return out.map((r) => {
    if (r.status === 'PLANNED') return r;
    const released = depsOf(r.package).filter((d) => planned.has(d));
    if (released.length === 0) return r;
    planned.add(r.package);
    return { ...r, bump: 'patch', new: nextVersion(r.current, 'patch'), status: 'PLANNED', cascade: released.sort() };
  });
}

/** The CHANGELOG's "Dependencies" group for a cascaded release. */
export function dependenciesSection(updated: readonly { name: string; version: string }[]): string {
  return `### Dependencies\n\n${updated.map((d) => `- ${d.name} bumped to ${d.version}`).join('\n')}\n`;
}
