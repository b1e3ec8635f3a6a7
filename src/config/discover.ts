// Find the packages of a workspace: git repos up to two levels below it (seed: repos in omni_home)
// with a pyproject.toml or package.json, plus npm workspace members inside a repo (monorepos).
// Used by `ferry init` and by the release drift guard.

import { existsSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ErrorCode, FerryError } from '../errors.js';
import { packageKey, readManifest } from '../manifest/read.js';
import type { DependencyRef, Ecosystem, Manifest } from '../manifest/read.js';
import { locateConfiguredCycle } from './cycle-report.js';
import {
  expandMembers,
  pnpmWorkspacePatterns,
  pyprojectShape,
  pythonSubfolderMembers,
  subdirs,
  uvMembers,
} from './members.js';
import { orderingRefs, ordersRelease } from './edges.js';
import { buildGraph } from './graph.js';
import type { DependencyGraph } from './graph.js';
import type { LoadedConfig } from './load.js';
import type { ConfiguredPackage, DiscoveredPackage } from './package-records.js';

export type { ConfiguredPackage, DiscoveredPackage } from './package-records.js';

export interface Discovery {
  packages: DiscoveredPackage[];
  /** Non-fatal findings (duplicate names, unreadable members) for the caller to show. */
  warnings: string[];
  /** Packages left out because they are private (npm `"private": true`, Python private markers): name → manifest. */
  privates: Map<string, string>;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const posix = (p: string): string => (p === '' ? '.' : p.split(sep).join('/'));

/** Git repos (a `.git` dir or file) at depth 0..maxDepth under `root`; a repo's insides are not searched. */
export function findGitRepos(root: string, maxDepth = 2): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (existsSync(join(dir, '.git'))) {
      out.push(dir);
      return;
    }
    if (depth >= maxDepth) return;
    for (const d of subdirs(dir)) walk(join(dir, d), depth + 1);
  };
  walk(root, 0);
  return out.sort();
}

/** Expand npm `workspaces` globs (`packages/*`, `apps/**`, literal paths, `!negations`) to member dirs. */
export function expandWorkspaces(repoDir: string, patterns: readonly string[]): string[] {
  return expandMembers(repoDir, patterns, 'package.json');
}

function safeRead(dir: string, ecosystem: Ecosystem, warnings: string[]): Manifest | null {
  try {
    return readManifest(dir, ecosystem);
  } catch (e) {
    warnings.push((e as Error).message);
    return null;
  }
}

interface Found {
  manifest: Manifest;
  repo: string;
  path: string;
  dir: string;
}

function pythonPackagesOfRepo(
  repo: string,
  repoDir: string,
  warnings: string[],
  privates: Map<string, string>,
): Found[] {
  const out: Found[] = [];
  const rootFile = join(repoDir, 'pyproject.toml');
  const root = existsSync(rootFile) ? pyprojectShape(rootFile) : null;
  if (existsSync(rootFile) && !root) warnings.push(`${rootFile}: invalid TOML; skipped`);
  // A uv workspace root is a package only when it declares one and can be built (uv itself treats a
  // root without [build-system] as virtual); a tool-settings-only root is never one.
  const rootIsPackage = !!root?.named && (!root.uvWorkspace || root.hasBuildSystem);
  if (rootIsPackage) {
    const m = safeRead(repoDir, 'python', warnings);
    if (m && !m.private) out.push({ manifest: m, repo, path: '.', dir: repoDir });
    else if (m?.name) privates.set(m.name, m.file);
  }
  const members = root?.uvWorkspace ? uvMembers(repoDir, root.uvWorkspace) : pythonSubfolderMembers(repoDir);
  for (const member of members) {
    const dir = join(repoDir, member);
    const shape = pyprojectShape(join(dir, 'pyproject.toml'));
    if (!shape) warnings.push(`${join(dir, 'pyproject.toml')}: invalid TOML; skipped`);
    if (!shape?.named) continue; // tool settings only (ruff, pytest…): not a package
    const m = safeRead(dir, 'python', warnings);
    if (m && !m.private) out.push({ manifest: m, repo, path: member, dir });
    else if (m?.name) privates.set(m.name, m.file);
  }
  return out;
}

function packagesOfRepo(
  workspace: string,
  repoDir: string,
  warnings: string[],
  privates: Map<string, string>,
): Found[] {
  const repo = posix(relative(workspace, repoDir));
  const out = pythonPackagesOfRepo(repo, repoDir, warnings, privates);
  const py = out.some((f) => f.path === '.');
  const pkg = safeRead(repoDir, 'npm', warnings);
  const pnpm = pnpmWorkspacePatterns(repoDir);
  if (pnpm === null)
    warnings.push(`${join(repoDir, 'pnpm-workspace.yaml')}: expected \`packages:\` as a list of globs; ignored`);
  const patterns = [...(pkg?.workspaces ?? []), ...(pnpm ?? [])];
  for (const member of expandMembers(repoDir, patterns, 'package.json')) {
    const dir = join(repoDir, member);
    const m = safeRead(dir, 'npm', warnings);
    // A `"private": true` member (docs site, examples, internal tooling) is never published: not a package.
    if (m?.name && !m.private) out.push({ manifest: m, repo, path: member, dir });
    else if (m?.name) privates.set(m.name, m.file);
    else if (m) warnings.push(`${m.file}: workspace member has no name; skipped`);
  }
  if (pkg) {
    // A workspaces root is normally a private container, not a package; a python repo's
    // package.json is usually tooling. Either way only a public, named root counts.
    const isContainer = patterns.length > 0 && pkg.private;
    if (pkg.name && !isContainer && !(py && pkg.private)) out.push({ manifest: pkg, repo, path: '.', dir: repoDir });
    else if (pkg.name && pkg.private) privates.set(pkg.name, pkg.file);
  }
  return out;
}

/**
 * Discover the packages under `workspace` and their internal dependencies.
 * @throws FerryError CONFIG_INVALID when the workspace directory does not exist.
 */
export function discoverPackages(workspace: string, opts: { maxDepth?: number } = {}): Discovery {
  if (!isDir(workspace)) {
    throw new FerryError(ErrorCode.CONFIG_INVALID, `workspace directory not found: ${workspace}`, {
      fix: 'set `workspace:` in ferry.yaml to the directory that holds the repos',
      details: { workspace },
    });
  }
  const warnings: string[] = [];
  const found: Found[] = [];
  const privates = new Map<string, string>();
  for (const repoDir of findGitRepos(workspace, opts.maxDepth ?? 2))
    found.push(...packagesOfRepo(workspace, repoDir, warnings, privates));

  const byKey = new Map<string, Found>();
  for (const f of found) {
    const key = `${f.manifest.ecosystem}:${packageKey(f.manifest.ecosystem, f.manifest.name)}`;
    const prev = byKey.get(key);
    if (prev) {
      warnings.push(
        `package ${f.manifest.name} found twice (${prev.repo}/${prev.path} and ${f.repo}/${f.path}); using the first`,
      );
      continue;
    }
    byKey.set(key, f);
  }
  const resolve = (eco: Ecosystem, refs: DependencyRef[], self: string): string[] => {
    const names = new Set<string>();
    for (const r of refs) {
      const hit = byKey.get(`${eco}:${packageKey(eco, r.name)}`);
      if (hit && hit.manifest.name !== self) names.add(hit.manifest.name);
    }
    return [...names].sort();
  };
  const packages = [...byKey.values()].map((f): DiscoveredPackage => {
    const m = f.manifest;
    return {
      name: m.name,
      ecosystem: m.ecosystem,
      repo: f.repo,
      path: f.path,
      dir: f.dir,
      manifest: m.file,
      version: m.version,
      private: m.private,
      deps: resolve(m.ecosystem, orderingRefs(m), m.name),
      devDeps: resolve(
        m.ecosystem,
        m.dependencies.filter((d) => !ordersRelease(m.ecosystem, d)),
        m.name,
      ),
      declared: m.dependencies,
    };
  });
  packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { packages, warnings, privates };
}

/**
 * Read the manifest of every configured package and derive internal dependencies among them.
 * Packages without a readable manifest get only their `depends_on`.
 */
export function configuredPackages(
  packages: readonly {
    name: string;
    ecosystem: Ecosystem;
    repo?: string | undefined;
    path: string;
    tier?: number | undefined;
    depends_on?: readonly string[] | undefined;
    ignore_deps?: readonly string[] | undefined;
  }[],
  workspaceDir: string,
): { packages: ConfiguredPackage[]; warnings: string[] } {
  const warnings: string[] = [];
  const byKey = new Map(packages.map((p) => [`${p.ecosystem}:${packageKey(p.ecosystem, p.name)}`, p.name]));
  const out = packages.map((p): ConfiguredPackage => {
    const repo = p.repo ?? p.name;
    const isUrl = /^[a-z+]+:\/\/|^git@/.test(repo);
    const dir = isUrl ? null : join(workspaceDir, repo, p.path);
    const manifest = dir ? safeRead(dir, p.ecosystem, warnings) : null;
    if (dir && !manifest)
      warnings.push(`${p.name}: no ${p.ecosystem === 'python' ? 'pyproject.toml' : 'package.json'} in ${dir}`);
    const deps = new Set<string>();
    const ignored = new Set((p.ignore_deps ?? []).map((n) => packageKey(p.ecosystem, n)));
    for (const d of manifest ? orderingRefs(manifest) : []) {
      if (ignored.has(packageKey(p.ecosystem, d.name))) continue;
      const hit = byKey.get(`${p.ecosystem}:${packageKey(p.ecosystem, d.name)}`);
      if (hit && hit !== p.name) deps.add(hit);
    }
    for (const d of p.depends_on ?? []) deps.add(d);
    return {
      name: p.name,
      ecosystem: p.ecosystem,
      dir,
      manifest,
      deps: [...deps].sort(),
      ...(p.tier === undefined ? {} : { tier: p.tier }),
      dependsOn: p.depends_on,
    };
  });
  return { packages: out, warnings };
}

/**
 * The dependency graph of the configured packages (manifest deps + `depends_on`, configured tiers as minimums).
 * @throws FerryError DEPENDENCY_CYCLE naming the cycle.
 */
export function configuredGraph(loaded: Pick<LoadedConfig, 'config' | 'workspaceDir' | 'path'>): {
  graph: DependencyGraph;
  packages: ConfiguredPackage[];
  warnings: string[];
} {
  const { packages, warnings } = configuredPackages(loaded.config.packages, loaded.workspaceDir);
  let graph: DependencyGraph;
  try {
    graph = buildGraph(
      packages.map((p) => ({ name: p.name, deps: p.deps, ...(p.tier === undefined ? {} : { tier: p.tier }) })),
      loaded.path,
    );
  } catch (e) {
    throw locateConfiguredCycle(e, packages, loaded.path);
  }
  return { graph, packages, warnings };
}
