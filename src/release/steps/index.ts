// The release step list: per unit (one per repo, in dependency order), WORKTREE, per package BUMP/PIN/CHANGELOG,
// LOCK, LINT, COMMIT, PUSH, PR, MERGE, then per package TAG and PUBLISH. Steps run in this order,
// so a tier starts only after every earlier-tier package has been published and is visible.

import type { Step } from '../../engine/types.js';
import type { ReleaseData, UnitState } from '../types.js';
import type { ReleaseDeps } from './deps.js';
import { bumpStep, changelogStep, pinStep } from './edits.js';
import { tagStep, publishStep } from './tag-publish.js';
import { commitStep, lintStep, lockStep, mergeStep, prStep, pushStep } from './unit.js';
import { worktreeStep } from './worktree.js';

/** Units in release order: tier, then repo. */
export function orderedUnits(data: ReleaseData): UnitState[] {
  return Object.values(data.units).sort((a, b) => a.tier - b.tier || a.unit.localeCompare(b.unit));
}

export function buildReleaseSteps(data: ReleaseData, deps: ReleaseDeps): Step<ReleaseData>[] {
  const steps: Step<ReleaseData>[] = [];
  for (const u of orderedUnits(data)) {
    const pkgs = [...u.packages].sort();
    steps.push(worktreeStep(u.unit, deps));
    for (const p of pkgs) steps.push(bumpStep(p));
    for (const p of pkgs) steps.push(pinStep(p, deps));
    for (const p of pkgs) steps.push(changelogStep(p, deps));
    steps.push(
      lockStep(u.unit, deps),
      lintStep(u.unit, deps),
      commitStep(u.unit),
      pushStep(u.unit, deps),
      prStep(u.unit, deps),
      mergeStep(u.unit, deps),
    );
    // A unit may hold several tiers of one repo: each package is tagged and published after its dependencies.
    const tierOf = (p: string): number => data.repos[p]?.tier ?? 0;
    for (const p of [...pkgs].sort((a, b) => tierOf(a) - tierOf(b) || a.localeCompare(b)))
      steps.push(tagStep(p, deps), publishStep(p, deps));
  }
  return steps;
}

/** Step ids a package's phase is derived from, in order, with the seed phase each completes. */
export function packageStepPhases(unit: string, pkg: string): [string, string][] {
  return [
    [`${unit}/WORKTREE`, 'WORKTREE'],
    [`${pkg}/BUMP`, 'BUMPED'],
    [`${pkg}/PIN`, 'PINNED'],
    [`${pkg}/CHANGELOG`, 'CHANGELOG'],
    [`${unit}/LOCK`, 'LOCKED'],
    [`${unit}/LINT`, 'LINT'],
    [`${unit}/COMMIT`, 'COMMITTED'],
    [`${unit}/PUSH`, 'PUSHED'],
    [`${unit}/PR`, 'PR_CREATED'],
    [`${unit}/MERGE`, 'MERGED'],
    [`${pkg}/TAG`, 'TAGGED'],
    [`${pkg}/PUBLISH`, 'PUBLISHED'],
  ];
}
