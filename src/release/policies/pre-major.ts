// Pre-1.0 policy with release-please's names: under 1.0.0 a breaking change may bump the minor
// (`bump_minor_pre_major`) and a feature the patch (`bump_patch_for_minor_pre_major`). Off by default
// (the seed's rule: 0.3.0 + breaking → 1.0.0). Pure: plan rows in, plan rows out.

import semver from 'semver';
import type { Bump } from '../conventional.js';
import { nextVersion } from '../scan.js';
import type { PlanRow } from '../types.js';

export interface PreMajorPolicy {
  bump_minor_pre_major: boolean;
  bump_patch_for_minor_pre_major: boolean;
}

/** The bump a pre-1.0 version gets under the policy (1.0.0 and later: unchanged). */
export function preMajorBump(current: string, bump: Bump, policy: PreMajorPolicy): Bump {
  const v = semver.parse(current);
  if (!v || v.major > 0) return bump;
  if (bump === 'major' && policy.bump_minor_pre_major) return 'minor';
  if (bump === 'minor' && policy.bump_patch_for_minor_pre_major) return 'patch';
  return bump;
}

/** Rows with the policy applied; `policyOf` gives each package's policy (global defaults, per-package overrides). */
export function applyPreMajor(rows: readonly PlanRow[], policyOf: (pkg: string) => PreMajorPolicy): PlanRow[] {
  return rows.map((r) => {
    if (r.status !== 'PLANNED' || !r.bump) return r;
    const bump = preMajorBump(r.current, r.bump, policyOf(r.package));
    return bump === r.bump ? r : { ...r, bump, new: nextVersion(r.current, bump) };
  });
}
