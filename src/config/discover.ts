// Find the packages of a workspace: git repos up to two levels below it (seed: repos in omni_home)
// with a pyproject.toml or package.json, plus npm workspace members inside a repo (monorepos).
// Used by `ferry init` and by the release drift guard.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ErrorCode, FerryError } from '../errors.js';
import { packageKey, readManifest } from '../manifest/read.js';
import type { DependencyRef, Ecosystem, Manifest } from '../manifest/read.js';
import { locateConfiguredCycle } from './cycle-report.js';
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
}

const SKIP_DIRS = new Set(['node_modules', '__pycache__', 'dist', 'build', 'venv', 'site-packages']);

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function subdirs(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.filter((e) => !e.startsWith('.') && !SKIP_DIRS.has(e) && isDir(join(dir, e))).sort();
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

function globToRegExp(segment: string): RegExp {
  const body = segment
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** Expand npm `workspaces` globs (`packages/*`, `apps/**`, literal paths, `!negations`) to member dirs. */
export function expandWorkspaces(repoDir: string, patterns: readonly string[]): string[] {
  const found = new Set<string>();
  const excluded = new Set<string>();
  const match = (dir: string, segs: string[], into: Set<string>): void => {
    if (segs.length === 0) {
      if (existsSync(join(dir, 'package.json'))) into.add(posix(relative(repoDir, dir)));
      return;
    }
    const [head, ...rest] = segs as [string, ...string[]];
    if (head === '**') {
      match(dir, rest, into);
      for (const d of subdirs(dir)) match(join(dir, d), segs, into);
    } else if (/[*?]/.test(head)) {
      const re = globToRegExp(head);
      for (const d of subdirs(dir)) if (re.test(d)) match(join(dir, d), rest, into);
    } else if (head === '.' || head === '') {
      match(dir, rest, into);
    } else if (isDir(join(dir, head))) {
      match(join(dir, head), rest, into);
    }
  };
  for (const p of patterns) {
    const neg = p.startsWith('!');
    const segs = (neg ? p.slice(1) : p).replace(/^\.\//, '').replace(/\/+$/, '').split('/');
    match(repoDir, segs, neg ? excluded : found);
  }
  return [...found].filter((m) => !excluded.has(m) && m !== '.').sort();
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

function packagesOfRepo(workspace: string, repoDir: string, warnings: string[]): Found[] {
  const repo = posix(relative(workspace, repoDir));
  const out: Found[] = [];
  const py = safeRead(repoDir, 'python', warnings);
  if (py) out.push({ manifest: py, repo, path: '.', dir: repoDir });
  const pkg = safeRead(repoDir, 'npm', warnings);
  if (pkg) {
    for (const member of expandWorkspaces(repoDir, pkg.workspaces)) {
      const dir = join(repoDir, member);
      const m = safeRead(dir, 'npm', warnings);
      if (m?.name) out.push({ manifest: m, repo, path: member, dir });
      else if (m) warnings.push(`${m.file}: workspace member has no name; skipped`);
    }
    // A workspaces root is normally a private container, not a package; a python repo's
    // package.json is usually tooling. Either way only a public, named root counts.
    const isContainer = pkg.workspaces.length > 0 && pkg.private;
    if (pkg.name && !isContainer && !(py && pkg.private)) out.push({ manifest: pkg, repo, path: '.', dir: repoDir });
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
  for (const repoDir of findGitRepos(workspace, opts.maxDepth ?? 2))
    found.push(...packagesOfRepo(workspace, repoDir, warnings));

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
  return { packages, warnings };
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
