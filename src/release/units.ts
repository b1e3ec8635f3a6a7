// Release units: the packages that share one branch, one release commit and one merge. One unit per
// repo (issue 19.7 / 12.7): a monorepo's bumps, pins, changelogs and consumed changesets land in one
// commit, then its packages are tagged and published in tier order. Only when repos depend on each
// other both ways (a → b in one tier, b → a in a later one) can a repo not release at once: then
// every repo releases once per tier, as before. Pure.

import type { PlanRow } from './types.js';

export interface UnitPlan {
  name: string;
  /** Release order of the unit (lower first); a unit comes after every unit it depends on. */
  order: number;
}

/** Unit of each planned package (by package name). `depsOf` names a package's internal dependencies. */
export function planUnits(rows: readonly PlanRow[], depsOf: (pkg: string) => readonly string[]): Map<string, UnitPlan> {
  const repoOf = new Map(rows.map((r) => [r.package, r.repo]));
  const repos = [...new Set(rows.map((r) => r.repo))].sort();
  const minTier = new Map<string, number>();
  for (const r of rows) minTier.set(r.repo, Math.min(minTier.get(r.repo) ?? r.tier, r.tier));
  const needs = new Map(repos.map((repo) => [repo, new Set<string>()]));
  for (const r of rows)
    for (const d of depsOf(r.package)) {
      const other = repoOf.get(d);
      if (other && other !== r.repo) needs.get(r.repo)!.add(other);
    }
  const order = new Map<string, number>();
  const visiting = new Set<string>();
  let cyclic = false;
  const visit = (repo: string): number => {
    const known = order.get(repo);
    if (known !== undefined) return known;
    if (visiting.has(repo)) {
      cyclic = true;
      return 0;
    }
    visiting.add(repo);
    let o = minTier.get(repo) ?? 1;
    for (const s of needs.get(repo) ?? []) o = Math.max(o, visit(s) + 1);
    visiting.delete(repo);
    order.set(repo, o);
    return o;
  };
  for (const repo of repos) visit(repo);
  const out = new Map<string, UnitPlan>();
  if (!cyclic) {
    for (const r of rows) out.set(r.package, { name: r.repo, order: order.get(r.repo)! });
    return out;
  }
  const tiersOf = new Map<string, Set<number>>();
  for (const r of rows) tiersOf.set(r.repo, (tiersOf.get(r.repo) ?? new Set()).add(r.tier));
  for (const r of rows)
    out.set(r.package, {
      name: (tiersOf.get(r.repo)?.size ?? 1) > 1 ? `${r.repo}-t${r.tier}` : r.repo,
      order: r.tier,
    });
  return out;
}
