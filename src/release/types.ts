// The release pipeline's persisted data: the seed's state-file fields (plan_hash, gate_token,
// status, repos{…phase, phase_history…}) plus what the steps need to resume without rescanning.

import type { Bump } from './conventional.js';
import type { ChangelogCommit } from '../manifest/changelog.js';
import type { ChangesetIntent } from './changesets.js';

/** Seed phase machine, forward-only. BLOCKED marks repos halted by an earlier failure (TIER_BLOCKED). */
export const PHASES = [
  'PLANNED',
  'WORKTREE',
  'BUMPED',
  'PINNED',
  'CHANGELOG',
  'LOCKED',
  'LINT',
  'COMMITTED',
  'PUSHED',
  'PR_CREATED',
  'MERGED',
  'TAGGED',
  'PUBLISHED',
  'DONE',
] as const;
export type Phase = (typeof PHASES)[number] | 'BLOCKED';

export type Ecosystem = 'python' | 'npm';
export type RowStatus = 'PLANNED' | 'NOTHING_TO_RELEASE' | Phase;

/** One row of the plan table: repo | tier | current | new | bump | commits | status. */
export interface PlanRow {
  repo: string;
  package: string;
  tier: number;
  current: string;
  new: string | null;
  bump: Bump | null;
  commits: number;
  status: 'PLANNED' | 'NOTHING_TO_RELEASE';
  /** The last release tag the row starts from (null: untagged, current is the manifest's version). */
  last_tag?: string | null;
  /** Where `current` comes from: the last tag, or the manifest (untagged, or ahead of every tag). */
  current_from?: 'tag' | 'manifest';
  /** Why a NOTHING_TO_RELEASE row with commits releases nothing (none of them is conventional). */
  reason?: string;
  /** The branch the release is cut from (packages[].main_branch, default release.main_branch). */
  branch?: string;
  /** Dependent cascade: the same-run dependencies whose release caused this patch release. */
  cascade?: string[];
  /** The version group (release.groups) that set this row's version. */
  group?: string;
  /** The changeset files that asked for this release, each with the bump it asked for. */
  changesets?: { file: string; bump: Bump }[];
  /** Where the version lives when it is not the manifest's own key (dynamic versions, issue 19.5). */
  version_source?: DynamicVersion;
}

/**
 * A version that is not a static manifest key: `vcs` is read from git tags at build time (hatch-vcs,
 * setuptools-scm…; released by tagging only), `file` is a module's `__version__` (hatch path,
 * setuptools attr), which BUMP edits instead of the manifest.
 */
export interface DynamicVersion {
  kind: 'vcs' | 'file';
  /** The backend or plugin that reads it (`hatch-vcs`, `setuptools-scm`, `hatchling`, `setuptools`…). */
  backend: string;
  /** kind file: the module, relative to the package dir. */
  file?: string;
  /** kind vcs: the project sets its own tag regex (ferry does not check which tags it reads). */
  custom_tags?: boolean;
}

/** A package as the pipeline sees it: config + what was read from its manifest. */
export interface ReleasePackage {
  name: string;
  repo: string;
  /** Absolute path of the repo's local clone. */
  repoDir: string;
  /** Package dir inside the repo ('.' for polyrepos). */
  path: string;
  ecosystem: Ecosystem;
  /** Registry key, or false for no publish. */
  publish: string | false;
  tier: number;
  /** Names of ecosystem packages it declares as dependencies. */
  deps: string[];
  /** Tag template (packages[].tag, else release.tag). */
  tag: string;
  /** Files besides the manifest holding `__version__` (relative to the package dir). */
  versionFiles: string[];
  /** Branch released from: packages[].main_branch, else release.main_branch (one per repo). */
  mainBranch: string;
}

/** Per-package record (seed `repos.<name>`), keyed by package name. */
export interface RepoState {
  repo: string;
  package: string;
  tier: number;
  ecosystem: Ecosystem;
  path: string;
  deps: string[];
  publish: string | false;
  old_version: string;
  new_version: string;
  bump: Bump;
  commits_since_tag: number;
  phase: Phase;
  phase_history: { phase: Phase; at: string }[];
  worktree_path: string | null;
  branch: string | null;
  pr_url: string | null;
  pr_number: number | null;
  tag: string | null;
  pypi_status: 'available' | 'pending' | 'skipped' | 'failed' | null;
  error: string | null;
  /** Release unit (one branch/commit/merge) this package belongs to. */
  unit: string;
  /** Tag template (absent in state files written before per-package templates: release.tag). */
  tag_template?: string;
  /** Version files BUMP updates besides the manifest (relative to the package dir). */
  version_files?: string[];
  /** Dependent cascade: released because these same-run dependencies were (no change of its own). */
  cascade?: string[];
  /** The version is not the manifest's key: BUMP leaves the manifest alone (issue 19.5). */
  version_source?: DynamicVersion;
}

/** One WORKTREE..MERGE sequence: the packages of one repo in one tier. */
export interface UnitState {
  unit: string;
  repo: string;
  repoDir: string;
  tier: number;
  packages: string[];
  worktree_path: string;
  branch: string;
  /** Branch the release branch is cut from and merged into; absent in state written before it existed (= release.main_branch). */
  base_branch?: string;
  commit_message: string;
  head_sha: string | null;
  pr_url: string | null;
  pr_number: number | null;
  merge_sha: string | null;
}

export interface ReleaseOptions {
  skip_registry_wait: boolean;
  registry_timeout_minutes: number;
  bump_override: Bump | null;
  /** `--prerelease <id>` of the run (absent in older state files). */
  prerelease?: string | null;
}

export interface ReleaseData {
  plan_hash: string;
  gate_token: string | null;
  /** The plan hash the recorded gate_token approved. */
  gate_plan_hash: string | null;
  status: 'in_progress' | 'completed' | 'failed' | 'partial';
  /** YYYY-MM-DD of the run (changelog dates; stable across resume). */
  date: string;
  options: ReleaseOptions;
  plan: PlanRow[];
  units: Record<string, UnitState>;
  repos: Record<string, RepoState>;
  commits: Record<string, ChangelogCommit[]>;
  /** Per package, the changesets its release consumes (summaries for CHANGELOG; absent in older state files). */
  changesets?: Record<string, ChangesetIntent[]>;
}
