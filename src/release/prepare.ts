// From ferry.yaml to release packages (with tiers and internal deps), the drift guard, and the
// persisted data a run starts from (plan rows → units, repos, commits).

import { join, resolve } from 'node:path';
import { checkTiers, type TierCheck } from '../config/graph.js';
import { configuredGraph, discoverPackages } from '../config/discover.js';
import { groupTagOf } from '../config/groups-check.js';
import type { LoadedConfig } from '../config/load.js';
import type { ReleaseConfig } from '../config/sections/release.js';
import { ErrorCode, FerryError } from '../errors.js';
import type { ChangelogCommit } from '../manifest/changelog.js';
import type { ChangesetIntent } from './changesets.js';
import { fillTemplate } from './scan.js';
import { slug } from './steps/deps.js';
import { planUnits } from './units.js';
import type { PlanRow, ReleaseData, ReleaseOptions, ReleasePackage, RepoState, UnitState } from './types.js';

const IS_URL = /^[a-z+]+:\/\/|^git@/;

/** Configured packages with tiers (configured tiers as minimums) and internal deps. */
export function releasePackages(loaded: Pick<LoadedConfig, 'config' | 'workspaceDir' | 'path'>): ReleasePackage[] {
  const { graph } = configuredGraph(loaded);
  checkRepoBranches(loaded);
  // A lockstep group's one tag (its {name} is the group's) is every member's tag template.
  const groupTag = groupTagOf(loaded.config);
  return loaded.config.packages.map((p) => {
    const repo = p.repo ?? p.name;
    if (IS_URL.test(repo)) {
      throw new FerryError(
        ErrorCode.CONFIG_INVALID,
        `${p.name}: release needs a local clone, but repo is a URL (${repo})`,
        { fix: `clone it under the workspace and set repo: <dir> for ${p.name}` },
      );
    }
    return {
      name: p.name,
      repo,
      repoDir: resolve(loaded.workspaceDir, repo),
      path: p.path,
      ecosystem: p.ecosystem,
      publish: p.publish,
      tier: graph.tierOf[p.name] ?? 1,
      deps: graph.deps[p.name] ?? [],
      tag: groupTag.get(p.name) ?? p.tag ?? loaded.config.release.tag,
      versionFiles: p.version_files ?? [],
      mainBranch: p.main_branch ?? loaded.config.release.main_branch,
    };
  });
}

/** One release branch per repo: its packages share one commit and merge. @throws CONFIG_INVALID */
function checkRepoBranches(loaded: Pick<LoadedConfig, 'config' | 'path'>): void {
  const byRepo = new Map<string, Map<string, string[]>>();
  for (const p of loaded.config.packages) {
    const repo = p.repo ?? p.name;
    const branch = p.main_branch ?? loaded.config.release.main_branch;
    const branches = byRepo.get(repo) ?? new Map<string, string[]>();
    branches.set(branch, [...(branches.get(branch) ?? []), p.name]);
    byRepo.set(repo, branches);
  }
  for (const [repo, branches] of byRepo) {
    if (branches.size < 2) continue;
    const list = [...branches].map(([b, names]) => `${names.join(', ')} → ${b}`).join('; ');
    throw new FerryError(ErrorCode.CONFIG_INVALID, `repo ${repo} is released from two branches (${list})`, {
      fix: `give every package of ${repo} the same main_branch in ${loaded.path}, then: ferry config check`,
      details: { repo, branches: Object.fromEntries(branches) },
    });
  }
}

export interface DriftReport {
  expected: string[];
  actual: string[];
  problems: string[];
}

/** Pure: the drift guard's verdict from a tier check, or null when the graph matches the workspace. */
export function driftReport(
  configured: readonly string[],
  check: TierCheck,
  privates: ReadonlyMap<string, string> = new Map(),
): DriftReport | null {
  const undiscovered = (n: string): string => {
    const file = privates.get(n);
    return file
      ? `${n} is private (${file}): a private package is never released; remove it from ferry.yaml`
      : `${n} is in ferry.yaml but no manifest for it was found in the workspace`;
  };
  const problems = [
    ...check.unconfigured.map(
      (n) => `${n} depends on (or is depended on by) ecosystem packages but is not in ferry.yaml`,
    ),
    ...check.undiscovered.map(undiscovered),
    ...check.contradictions.map(
      (c) => `${c.package} is configured in tier ${c.tier} but depends on ${c.dependency} (tier ${c.dependencyTier})`,
    ),
  ];
  if (!problems.length) return null;
  const expected = [...configured].sort();
  const actual = [
    ...new Set([...configured.filter((n) => !check.undiscovered.includes(n)), ...check.unconfigured]),
  ].sort();
  return { expected, actual, problems };
}

/** @throws GRAPH_DRIFT printing expected vs actual. */
export function driftGuard(loaded: Pick<LoadedConfig, 'config' | 'workspaceDir' | 'path'>): void {
  const discovery = discoverPackages(loaded.workspaceDir);
  const check = checkTiers({ packages: loaded.config.packages }, discovery.packages);
  const report = driftReport(
    loaded.config.packages.map((p) => p.name),
    check,
    discovery.privates,
  );
  if (!report) return;
  throw new FerryError(
    ErrorCode.GRAPH_DRIFT,
    `the tier graph in ${loaded.path} does not match the workspace:\n  ${report.problems.join('\n  ')}\n  expected: ${report.expected.join(', ')}\n  actual:   ${report.actual.join(', ')}`,
    {
      fix: `edit packages: in ${loaded.path} (add the missing package or fix its tier), then: ferry release --dry-run`,
      details: { ...report },
    },
  );
}

/** Pure: unit name per `repo\0tier` of the planned rows (see planUnits: one per repo unless repos depend on each other both ways). */
export function unitNames(
  rows: readonly PlanRow[],
  depsOf: (pkg: string) => readonly string[] = () => [],
): Map<string, string> {
  const units = planUnits(rows, depsOf);
  return new Map(rows.map((r) => [`${r.repo}\0${r.tier}`, units.get(r.package)?.name ?? r.repo]));
}

/**
 * Pure: the release commit message of a unit. A package that is its repo: the template as is;
 * otherwise every package name and version, so two packages of one repo never share a message
 * (the git forge recognises a finished merge by it).
 */
export function unitCommitMessage(
  template: string,
  repo: string,
  pkgs: readonly { name: string; version: string }[],
): string {
  const [only] = pkgs;
  if (pkgs.length === 1 && only && only.name === repo)
    return fillTemplate(template, { repo, name: only.name, version: only.version });
  const list = pkgs.map((p) => `${p.name} v${p.version}`).join(', ');
  const t = template.includes('v{version}')
    ? template.replace('v{version}', list)
    : template.replace('{version}', list);
  return fillTemplate(t, { repo, name: repo });
}

export interface DataInput {
  runId: string;
  date: string;
  now: string;
  home: string;
  cfg: ReleaseConfig;
  rows: PlanRow[];
  packages: readonly ReleasePackage[];
  commits: Record<string, ChangelogCommit[]>;
  /** Per package, the changesets that asked for its release. */
  changesets?: Record<string, ChangesetIntent[]>;
  planHash: string;
  options: ReleaseOptions;
}

/** Pure: the persisted data of a new run. */
export function initialData(input: DataInput): ReleaseData {
  const planned = input.rows.filter((r) => r.status === 'PLANNED');
  const byName = new Map(input.packages.map((p) => [p.name, p]));
  const unitOfPkg = planUnits(planned, (name) => byName.get(name)?.deps ?? []);
  const units: Record<string, UnitState> = {};
  const repos: Record<string, RepoState> = {};
  for (const row of planned) {
    const pkg = byName.get(row.package);
    if (!pkg || !row.new || !row.bump) continue;
    const plan = unitOfPkg.get(row.package) ?? { name: row.repo, order: row.tier };
    const unit = plan.name;
    const u = (units[unit] ??= {
      unit,
      repo: row.repo,
      repoDir: pkg.repoDir,
      tier: plan.order,
      packages: [],
      worktree_path: join(input.home, 'worktrees', input.runId, slug(unit)),
      branch: fillTemplate(input.cfg.branch, { run_id: input.runId, repo: unit }),
      base_branch: pkg.mainBranch,
      commit_message: '',
      head_sha: null,
      pr_url: null,
      pr_number: null,
      merge_sha: null,
    });
    u.packages.push(row.package);
    repos[row.package] = {
      repo: row.repo,
      package: row.package,
      tier: row.tier,
      ecosystem: pkg.ecosystem,
      path: pkg.path,
      deps: pkg.deps,
      publish: pkg.publish,
      old_version: row.current,
      new_version: row.new,
      bump: row.bump,
      commits_since_tag: row.commits,
      phase: 'PLANNED',
      phase_history: [{ phase: 'PLANNED', at: input.now }],
      worktree_path: u.worktree_path,
      branch: u.branch,
      pr_url: null,
      pr_number: null,
      tag: null,
      pypi_status: null,
      error: null,
      unit,
      tag_template: pkg.tag,
      version_files:
        row.version_source?.file && !pkg.versionFiles.includes(row.version_source.file)
          ? [...pkg.versionFiles, row.version_source.file]
          : pkg.versionFiles,
      ...(row.cascade ? { cascade: row.cascade } : {}),
      ...(row.version_source ? { version_source: row.version_source } : {}),
    };
  }
  for (const u of Object.values(units)) {
    u.packages.sort();
    u.commit_message = unitCommitMessage(
      input.cfg.commit_message,
      u.repo,
      u.packages.map((p) => ({ name: p, version: repos[p]?.new_version ?? '' })),
    );
  }
  return {
    plan_hash: input.planHash,
    gate_token: null,
    gate_plan_hash: null,
    status: 'in_progress',
    date: input.date,
    options: input.options,
    plan: input.rows,
    units,
    repos,
    commits: Object.fromEntries(Object.entries(input.commits).filter(([k]) => repos[k])),
    ...(input.changesets && Object.keys(input.changesets).some((k) => repos[k])
      ? { changesets: Object.fromEntries(Object.entries(input.changesets).filter(([k]) => repos[k])) }
      : {}),
  };
}

/**
 * Pure: one warning per registry that planned packages publish to while the variable named by its
 * `token_env` is unset. The upload then goes out with a placeholder (fine for an anonymous local
 * registry), and a registry that needs a token refuses it at PUBLISH, after merge and tag: say so
 * before the gate, not after.
 */
export function missingTokenWarnings(
  loaded: Pick<LoadedConfig, 'config' | 'env'>,
  packages: readonly Pick<ReleasePackage, 'name' | 'publish'>[],
  rows: readonly Pick<PlanRow, 'package' | 'status'>[],
): string[] {
  const planned = new Set(rows.filter((r) => r.status === 'PLANNED').map((r) => r.package));
  const byRegistry = new Map<string, string[]>();
  for (const p of packages) {
    if (p.publish === false || !planned.has(p.name)) continue;
    byRegistry.set(p.publish, [...(byRegistry.get(p.publish) ?? []), p.name]);
  }
  const out: string[] = [];
  for (const [key, names] of byRegistry) {
    const reg = loaded.config.registries[key];
    if (!reg || loaded.env[reg.token_env]) continue;
    out.push(
      `$${reg.token_env} is not set: ${names.join(', ')} would be published to registry ${key} (${reg.url}) without a token; ` +
        `a registry that needs one refuses the upload at PUBLISH, after merge and tag (set ${reg.token_env}, or ignore this for an anonymous registry)`,
    );
  }
  return out;
}

/**
 * Pure: the forge's token variable when it is needed and unset. Found only at PR, it would fail the
 * run after a human approved it and the branches were pushed: a real run stops before the gate.
 */
export function missingForgeToken(loaded: Pick<LoadedConfig, 'config' | 'env'>): string | null {
  const forge = loaded.config.release.forge;
  return forge.kind === 'github' && !loaded.env[forge.token_env] ? forge.token_env : null;
}
