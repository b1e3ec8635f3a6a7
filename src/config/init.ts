// `ferry init`: discover the workspace's packages, compute their tiers, write a commented
// ferry.yaml and ignore `.ferry/`. The text is produced by a pure function and validated with the
// same parser `ferry config check` uses before anything is written.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ErrorCode, FerryError, isFerryError } from '../errors.js';
import { discoveredEdgeSources } from './cycle-report.js';
import { discoverPackages } from './discover.js';
import { repoBranches } from './init-branches.js';
import { Git } from '../adapters/git/git.js';
import { exec } from '../util/process.js';
import { cycleEdges, cycleFix, describeCycle } from './edges.js';
import type { DiscoveredPackage } from './discover.js';
import { buildGraph, type DependencyGraph } from './graph.js';
import { parseConfig } from './load.js';
import { inferVersionSettings } from './init-versions.js';
import { readReleasePlease, releasePleasePolicy, releasePleaseVersionWarning } from './init-release-please.js';
import { inferReleaseSettings, renderInitRelease } from './init-release.js';

// release.tag's default: a package whose tags are in this style needs no `tag:` of its own.
const DEFAULT_TAG = '{name}/v{version}';

export interface InitPackage {
  name: string;
  ecosystem: 'python' | 'npm';
  repo: string;
  path: string;
  tier: number;
  version: string | null;
  deps: string[];
  /** Tag template inferred from the repo's tags (only when it differs from release.tag's default). */
  tag?: string;
  /** `__version__` modules that hold the manifest version. */
  version_files?: string[];
  /** Branch the repo releases from, when it is not `main` (the remote's default branch). */
  mainBranch?: string;
  /** Pre-1.0 policies carried over from the repo's release-please config. */
  bump_minor_pre_major?: boolean;
  bump_patch_for_minor_pre_major?: boolean;
}

export interface InitResult {
  configPath: string;
  /** Whether an existing ferry.yaml was replaced (--force). */
  overwritten: boolean;
  packages: InitPackage[];
  /** tiers[0] is tier 1. */
  tiers: string[][];
  gitignore: { path: string; created: boolean; added: boolean };
  warnings: string[];
}

const PLAIN = /^[A-Za-z0-9_][A-Za-z0-9._/-]*$/;
/** A YAML scalar: plain when safe, else a JSON (= YAML double-quoted) string. */
const scalar = (s: string): string =>
  PLAIN.test(s) && !/^(true|false|null|yes|no|on|off|~)$/i.test(s) ? s : JSON.stringify(s);

function packageLine(p: InitPackage): string {
  const fields = [`name: ${scalar(p.name)}`, `repo: ${scalar(p.repo)}`];
  if (p.path !== '.') fields.push(`path: ${scalar(p.path)}`);
  fields.push(`ecosystem: ${p.ecosystem}`, `tier: ${p.tier}`);
  if (p.tag) fields.push(`tag: ${scalar(p.tag)}`);
  if (p.version_files?.length) fields.push(`version_files: [${p.version_files.map(scalar).join(', ')}]`);
  if (p.mainBranch) fields.push(`main_branch: ${scalar(p.mainBranch)}`);
  if (p.bump_minor_pre_major) fields.push('bump_minor_pre_major: true');
  if (p.bump_patch_for_minor_pre_major) fields.push('bump_patch_for_minor_pre_major: true');
  const deps = p.deps.length > 0 ? `  # needs ${p.deps.join(', ')}` : '';
  return `  - { ${fields.join(', ')} }${deps}`;
}

/** The commented starter config for these packages (pure). */
export function renderInitConfig(
  packages: readonly InitPackage[],
  tiers: readonly string[][],
  release: readonly string[] = [],
): string {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const out: string[] = [
    '# ferry.yaml — release and deploy configuration, written by `ferry init`.',
    '# Validate with `ferry config check`; preview a release with `ferry release --dry-run`.',
    '# Secrets never go in this file: only names of environment variables, or env files to load.',
    'version: 1',
    '',
    '# Directory holding the repos, relative to this file.',
    'workspace: .',
    '',
    '# Env files loaded before a run (dotenv syntax; read as data, never executed). Values of',
    '# variables whose names look secret (TOKEN, SECRET, PASSWORD, ...) are redacted everywhere.',
    '# env_files: [~/.config/ferry/.env]',
    '',
    '# Packages, released in tier order: tier 1 has no internal dependencies, and each package comes',
    '# after everything it depends on. Tiers were computed from the manifests; a release refuses to',
    '# run (GRAPH_DRIFT) if they no longer match. Per package:',
    '#   repo:       directory under `workspace` (or a git URL)',
    '#   path:       package directory inside the repo (monorepos), default "."',
    '#   publish:    a key under `registries:` to publish to; omitted = tag only',
    '#   main_branch: the branch it is released from (the remote\'s default branch), default "main"',
    '#   depends_on: extra internal dependencies the manifest does not declare',
    "#   tag:        tag template, read from the repo's existing tags (newest style); default release.tag;",
    '#               placeholders {name} {repo} {dir} {version}',
    '#   version_files: modules that repeat the version as __version__ = "…" (updated with the manifest)',
    '#   ignore_deps: declared dependencies that must not order this package (breaks a cycle)',
    "#   bump_minor_pre_major / bump_patch_for_minor_pre_major: pre-1.0 policies (read from release-please's config)",
    '# Extras, dependency groups, dev dependencies and optional peers never order releases.',
  ];
  if (packages.length === 0) {
    out.push(
      '# No packages were found (git repos with pyproject.toml or package.json). Example:',
      '#   - { name: my_lib, repo: my_lib, ecosystem: python, publish: pypi }',
      'packages: []',
    );
  } else {
    out.push('packages:');
    tiers.forEach((names, i) => {
      if (names.length === 0) return;
      out.push(`  # tier ${i + 1}`);
      for (const n of names) {
        const p = byName.get(n);
        if (p) out.push(packageLine(p));
      }
    });
  }
  out.push('', ...release);
  out.push(
    '# How a release runs. Every key has a default; uncomment to change.',
    ...(release.length ? ['# (these keys go under the release: above)'] : []),
    '# release:',
    '#   tag: "{name}/v{version}"',
    '#   branch: "release/{run_id}/{repo}"',
    '#   commit_message: "release: {repo} v{version}"',
    '#   main_branch: main',
    '#   # Where release branches land: `kind: git` merges locally and pushes main (the default);',
    '#   # `kind: github` opens a pull request, waits for checks and merges through the API.',
    '#   forge: { kind: git }',
    '#   # forge: { kind: github, owner: your-org, token_env: GITHUB_TOKEN }',
    '#   lint: [pre-commit, run, --all-files]',
    '#   lock: { python: [uv, lock], npm: [npm, install, --package-lock-only] }',
    '#   gate: { channels: [tty], timeout_minutes: 60 }',
    '',
    '# Registries that `publish:` refers to. Tokens are read from the named environment variables.',
    '# registries:',
    '#   pypi: { kind: pypi, url: https://upload.pypi.org/legacy/, index: https://pypi.org, token_env: PYPI_TOKEN }',
    '#   npm: { kind: npm, url: https://registry.npmjs.org/, token_env: NPM_TOKEN }',
    '',
    '# Notifications (release summaries, approval requests).',
    '# notify:',
    '#   slack: { token_env: SLACK_BOT_TOKEN, channel_env: SLACK_CHANNEL_ID }',
    '',
  );
  return out.join('\n');
}

const IGNORE_LINES = new Set(['.ferry', '.ferry/', '/.ferry', '/.ferry/', '.ferry/*', '/.ferry/*', '.ferry/**']);

/** The .gitignore text with `.ferry/` added, or null when it is already ignored (pure). */
export function addFerryIgnore(existing: string | null): string | null {
  if (existing !== null && existing.split(/\r?\n/).some((l) => IGNORE_LINES.has(l.trim()))) return null;
  if (existing === null || existing === '') return '# ferry run state, events and results\n.ferry/\n';
  const sep = existing.endsWith('\n') ? '' : '\n';
  return `${existing}${sep}\n# ferry run state, events and results\n.ferry/\n`;
}

/** Discovered packages with computed tiers, in release order. @throws FerryError DEPENDENCY_CYCLE */
export function planInit(discovered: readonly DiscoveredPackage[]): { packages: InitPackage[]; tiers: string[][] } {
  const byName = new Map(discovered.map((d) => [d.name, d]));
  let graph: DependencyGraph;
  try {
    graph = buildGraph(discovered.map((d) => ({ name: d.name, deps: d.deps })));
  } catch (e) {
    // No ferry.yaml yet: name the manifests that declare the cycle, not `ferry config check`.
    const cycle =
      isFerryError(e) && e.code === ErrorCode.DEPENDENCY_CYCLE ? (e.details.cycle as string[] | undefined) : undefined;
    if (!cycle) throw e;
    const edges = cycleEdges(cycle, discoveredEdgeSources(discovered), (from) => byName.get(from)?.manifest ?? from);
    throw new FerryError(
      ErrorCode.DEPENDENCY_CYCLE,
      `dependency cycle in the manifests: ${describeCycle(cycle, edges)}; nothing written`,
      { fix: cycleFix(edges, null), details: { cycle, edges } },
    );
  }
  const packages = graph.tiers.flat().map((n): InitPackage => {
    const d = byName.get(n) as DiscoveredPackage;
    return {
      name: d.name,
      ecosystem: d.ecosystem,
      repo: d.repo,
      path: d.path,
      tier: graph.tierOf[n] ?? 1,
      version: d.version,
      deps: graph.deps[n] ?? [],
    };
  });
  return { packages, tiers: graph.tiers };
}

/**
 * Write `<dir>/ferry.yaml` for the packages discovered under `dir`, and add `.ferry/` to `<dir>/.gitignore`.
 * @throws FerryError USAGE when ferry.yaml exists and `force` is not set (nothing written).
 * @throws FerryError DEPENDENCY_CYCLE when discovered dependencies form a cycle (nothing written).
 */
export async function initWorkspace(opts: { dir: string; force?: boolean }): Promise<InitResult> {
  const configPath = join(opts.dir, 'ferry.yaml');
  const exists = existsSync(configPath);
  if (exists && !opts.force) {
    throw new FerryError(ErrorCode.USAGE, `${configPath} already exists; not overwriting it`, {
      fix: 'ferry init --force',
      details: { file: configPath },
    });
  }
  const discovery = discoverPackages(opts.dir);
  const planned = planInit(discovery.packages);
  const { tiers } = planned;
  // Each repo's release branch: its remote's default branch, written where it is not `main`.
  const repoDirs = new Map(discovery.packages.map((d) => [d.repo, join(opts.dir, d.repo)]));
  const branches = await repoBranches(new Git(exec), repoDirs);
  const packages = planned.packages.map((p) =>
    branches.has(p.repo) ? { ...p, mainBranch: branches.get(p.repo) as string } : p,
  );
  // Nothing found is almost always init run in the wrong directory: write neither ferry.yaml nor .gitignore there.
  if (packages.length === 0) {
    const seen = discovery.warnings.length ? ` (${discovery.warnings.join('; ')})` : '';
    throw new FerryError(
      ErrorCode.USAGE,
      `no git repos with a pyproject.toml or package.json under ${opts.dir} (searched two levels deep)${seen}; nothing written`,
      {
        fix: 'ferry init --dir <the directory that holds your repos>',
        details: { dir: opts.dir, warnings: discovery.warnings },
      },
    );
  }
  const versions = await inferVersionSettings(opts.dir, packages, DEFAULT_TAG);
  for (const p of packages) {
    const v = versions.get(p.name);
    if (v?.tag) p.tag = v.tag;
    if (v?.versionFiles) p.version_files = v.versionFiles;
  }
  const git = new Git(exec);
  const tagsOf = new Map<string, string[]>();
  for (const [repo, repoDir] of repoDirs) tagsOf.set(repo, await git.tags(repoDir, '*'));
  const releaseSettings = inferReleaseSettings(
    opts.dir,
    packages.map((p) => ({ ...p, dir: basename(p.path === '.' ? p.repo : p.path) })),
    tagsOf,
  );
  for (const p of packages) {
    const base = releaseSettings.baseBranch.get(p.repo);
    if (base) p.mainBranch = base;
  }
  const warnings = [
    ...discovery.warnings,
    ...(await releasePleaseSettings(opts.dir, packages)),
    ...releaseSettings.warnings,
  ];
  const text = renderInitConfig(packages, tiers, renderInitRelease(releaseSettings));
  // Guard against writing a config ferry itself would reject.
  parseConfig(text, configPath);
  writeFileSync(configPath, text, { flag: opts.force ? 'w' : 'wx' });

  const gitignorePath = join(opts.dir, '.gitignore');
  const before = existsSync(gitignorePath) ? readFileSync(gitignorePath, 'utf8') : null;
  const after = addFerryIgnore(before);
  if (after !== null) writeFileSync(gitignorePath, after);
  return {
    configPath,
    overwritten: exists,
    packages,
    tiers,
    gitignore: { path: gitignorePath, created: before === null, added: after !== null },
    warnings,
  };
}

/** Each repo's release-please policies onto its packages (in place); warnings for versions ferry would miss. */
async function releasePleaseSettings(dir: string, packages: InitPackage[]): Promise<string[]> {
  const warnings: string[] = [];
  const git = new Git(exec);
  for (const repo of [...new Set(packages.map((p) => p.repo))]) {
    const files = readReleasePlease(join(dir, repo), repo);
    warnings.push(...files.warnings);
    if (!files.config && !files.manifest) continue;
    let tags: string[] | null = null;
    for (const p of packages.filter((x) => x.repo === repo)) {
      const policy = releasePleasePolicy(files, p.path);
      if (policy.bump_minor_pre_major) p.bump_minor_pre_major = true;
      if (policy.bump_patch_for_minor_pre_major) p.bump_patch_for_minor_pre_major = true;
      if (policy.released === undefined) continue;
      tags ??= await git.tags(join(dir, repo), '*').catch(() => []);
      const w = releasePleaseVersionWarning(p, policy.released, tags);
      if (w) warnings.push(w);
    }
  }
  return warnings;
}
