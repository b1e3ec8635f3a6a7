// The policies that turn scanned intents into the plan's versions, in order: pre-1.0 rules, then the
// dependent cascade (a cascaded patch is never itself subject to the pre-1.0 rule).

import type { LoadedConfig } from '../../config/load.js';
import type { Bump } from '../conventional.js';
import type { PlanRow, ReleasePackage } from '../types.js';
import { applyCascade } from './cascade.js';
import { applyPreMajor } from './pre-major.js';

/** Pure: rows after the configured policies. An explicit --bump is taken as given (no pre-1.0 rewrite). */
export function releasePolicies(
  rows: readonly PlanRow[],
  pkgs: readonly ReleasePackage[],
  loaded: Pick<LoadedConfig, 'config'>,
  bumpOverride: Bump | null,
): PlanRow[] {
  const cfg = loaded.config.release;
  const pkgCfg = new Map(loaded.config.packages.map((p) => [p.name, p]));
  let out = [...rows];
  if (!bumpOverride)
    out = applyPreMajor(out, (name) => ({
      bump_minor_pre_major: pkgCfg.get(name)?.bump_minor_pre_major ?? cfg.bump_minor_pre_major,
      bump_patch_for_minor_pre_major:
        pkgCfg.get(name)?.bump_patch_for_minor_pre_major ?? cfg.bump_patch_for_minor_pre_major,
    }));
  if (cfg.cascade !== 'none') {
    const deps = new Map(pkgs.map((p) => [p.name, p.deps]));
    out = applyCascade(out, (name) => deps.get(name) ?? []);
  }
  return out;
}
