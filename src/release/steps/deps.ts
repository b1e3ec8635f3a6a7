// What release steps need besides their StepContext: config, where worktrees live, and factories
// for the adapters (built from the run's exec so every command lands in the run log).

import { join } from 'node:path';
import type { Forge } from '../../adapters/forge/types.js';
import type { Registry } from '../../adapters/registry/types.js';
import type { ReleaseConfig } from '../../config/sections/release.js';
import type { StepContext } from '../../engine/types.js';
import type { Exec } from '../../util/process.js';
import type { ReleaseData, RepoState, UnitState } from '../types.js';

export interface ReleaseDeps {
  cfg: ReleaseConfig;
  /** The ferry home (.ferry/). */
  home: string;
  forge(exec: Exec): Promise<Forge>;
  /** Registry by its key under `registries:`. @throws CONFIG_INVALID for an unknown key. */
  registry(key: string, exec: Exec): Promise<Registry>;
}

export type Ctx = StepContext<ReleaseData>;

export function remoteOf(cfg: ReleaseConfig): string {
  return cfg.forge.remote;
}

/** The branch a unit is cut from and merged into (state from before per-package branches: release.main_branch). */
export function baseOf(u: Pick<UnitState, 'base_branch'>, cfg: ReleaseConfig): string {
  return u.base_branch ?? cfg.main_branch;
}

export function unitOf(ctx: Ctx, unit: string): UnitState {
  const u = ctx.data.units[unit];
  if (!u) throw new Error(`release state has no unit ${unit}`);
  return u;
}

export function repoOf(ctx: Ctx, pkg: string): RepoState {
  const r = ctx.data.repos[pkg];
  if (!r) throw new Error(`release state has no package ${pkg}`);
  return r;
}

/** Absolute directory of a package inside its unit's worktree. */
export function packageDir(ctx: Ctx, pkg: string): string {
  const r = repoOf(ctx, pkg);
  return join(unitOf(ctx, r.unit).worktree_path, r.path);
}

/** `{run}/{slug}` paths: names may hold `/` or `@` (npm scopes), keep them to one segment. */
export function slug(name: string): string {
  return name.replace(/^@/, '').replace(/[^A-Za-z0-9._-]+/g, '_');
}

export function resumeCommand(runId: string): string {
  return `ferry release --resume ${runId}`;
}
