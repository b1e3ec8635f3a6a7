// Builds real git ecosystems in a temp dir for tests: repos with Python and/or npm packages, a bare
// remote per repo (`<root>/remotes/<repo>.git`, set as origin, main pushed), initial release tags
// `<name>/vX.Y.Z`, conventional commits after the tag, and inter-package dependencies.
//
//   const eco = await seedEcosystem();        // the seeds' 6-repo tier graph
//   eco.writeConfig({ release: { lint: ['true'] } });
//   ... run ferry in eco.workspace ...
//   await eco.cleanup();

import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { git, localGitConfig } from './git.js';
import { npmPackageFiles, packageJson, pythonModule, pythonPackageFiles, REPO_GITIGNORE } from './package-files.js';
import type { DepPin, FixtureEcosystem } from './package-files.js';
import { snapshotRepos } from './snapshot.js';
import type { RepoSnapshot } from './snapshot.js';

export type { RepoSnapshot } from './snapshot.js';

/** A dependency on another fixture package (constraint from its initial version) or an explicit pin. */
export type DepSpec = string | { name: string; spec: string };

export interface CommitSpec {
  /** Conventional-commit subject, e.g. `feat(core): add envelope`. */
  subject: string;
  body?: string;
  /** Files to write (path relative to the repo root → content). Default: one new file in the package. */
  files?: Record<string, string>;
  /** Which package of a monorepo the default file goes in (default: the first). */
  package?: string;
}

export interface PackageSpec {
  name: string;
  ecosystem: FixtureEcosystem;
  /** Initial (tagged) version. Default 0.1.0. */
  version?: string;
  /** Directory inside the repo (monorepo members). Default '.'. */
  path?: string;
  deps?: DepSpec[];
  /** Tag `<name>/v<version>` on the initial commit. Default true. */
  tag?: boolean;
}

export interface RepoSpec {
  name: string;
  /** Single-package repo shorthand: the package is named like the repo. */
  ecosystem?: FixtureEcosystem;
  version?: string;
  deps?: DepSpec[];
  /** Monorepo: several packages (npm ones under `packages/*` get a workspaces root package.json). */
  packages?: PackageSpec[];
  /** Extra files in the initial commit (Dockerfile, CHANGELOG.md, …). */
  files?: Record<string, string>;
  /** Commits after the initial tag, oldest first. */
  commits?: CommitSpec[];
}

export interface EcosystemSpec {
  repos: RepoSpec[];
}

export interface FixturePackage {
  name: string;
  ecosystem: FixtureEcosystem;
  version: string;
  repo: string;
  path: string;
  /** Absolute package dir. */
  dir: string;
  /** Names of fixture packages it depends on. */
  deps: string[];
  /** The initial tag, or null when untagged. */
  tag: string | null;
}

export interface FixtureRepo {
  name: string;
  dir: string;
  /** Bare remote (origin). */
  remote: string;
  packages: FixturePackage[];
}

/** A config override: merged into the generated config (objects deep-merged, arrays replaced), or a function of it. */
export type ConfigExtra = Record<string, unknown> | ((base: Record<string, unknown>) => Record<string, unknown>);

export interface Ecosystem {
  root: string;
  /** Directory holding the repos; ferry.yaml goes here. */
  workspace: string;
  remotesDir: string;
  repos: Record<string, FixtureRepo>;
  packages: FixturePackage[];
  /** `<workspace>/ferry.yaml` (written by writeConfig). */
  configPath: string;
  /** How long building took. */
  buildMs: number;
  /** git in a repo (by name) with the fixture identity; returns stdout. */
  git(repo: string, args: readonly string[]): Promise<string>;
  /** The config writeConfig would write (without `extra`). */
  baseConfig(): Record<string, unknown>;
  /** Write a valid ferry.yaml (forge git, every package with repo/path/ecosystem); returns its path. */
  writeConfig(extra?: ConfigExtra): string;
  /** Refs, index, worktrees, working trees and remote refs of every repo. */
  snapshotRepos(): Promise<RepoSnapshot>;
  cleanup(): Promise<void>;
}

// A bare clone's config points back at its source as `origin`; a real remote has no such thing.
const BARE_CONFIG = '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n';

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function normalizeRepo(spec: RepoSpec): PackageSpec[] {
  if (spec.packages && spec.packages.length > 0) return spec.packages;
  return [{ name: spec.name, ecosystem: spec.ecosystem ?? 'python', version: spec.version, deps: spec.deps }];
}

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40) || 'change';

/** Create the ecosystem described by `spec` in a new temp dir. */
export async function buildEcosystem(spec: EcosystemSpec): Promise<Ecosystem> {
  const started = Date.now();
  const root = mkdtempSync(join(tmpdir(), 'ferry-eco-'));
  const workspace = join(root, 'workspace');
  const remotesDir = join(root, 'remotes');
  mkdirSync(workspace, { recursive: true });
  mkdirSync(remotesDir, { recursive: true });

  const allPackages = spec.repos.flatMap((r) => normalizeRepo(r).map((p) => ({ ...p, repo: r.name })));
  const versionOf = new Map(allPackages.map((p) => [p.name, p.version ?? '0.1.0']));
  const pin = (eco: FixtureEcosystem, d: DepSpec): DepPin => {
    if (typeof d !== 'string') return d;
    const v = versionOf.get(d);
    if (!v) throw new Error(`fixture: dependency ${d} is not a package of this ecosystem`);
    return { name: d, spec: eco === 'python' ? `>=${v}` : `^${v}` };
  };

  const repos: Record<string, FixtureRepo> = {};
  await Promise.all(
    spec.repos.map(async (r) => {
      const dir = join(workspace, r.name);
      const remote = join(remotesDir, `${r.name}.git`);
      const pkgs = normalizeRepo(r);
      const isMonorepo = pkgs.length > 1 || pkgs.some((p) => (p.path ?? '.') !== '.');
      const packages: FixturePackage[] = pkgs.map((p) => {
        const path = p.path ?? (isMonorepo ? `packages/${p.name.replace(/^@[^/]+\//, '')}` : '.');
        return {
          name: p.name,
          ecosystem: p.ecosystem,
          version: p.version ?? '0.1.0',
          repo: r.name,
          path,
          dir: path === '.' ? dir : join(dir, path),
          deps: (p.deps ?? []).map((d) => (typeof d === 'string' ? d : d.name)),
          tag: p.tag === false ? null : `${p.name}/v${p.version ?? '0.1.0'}`,
        };
      });
      repos[r.name] = { name: r.name, dir, remote, packages };

      // Initial tree.
      const files: Record<string, string> = { '.gitignore': REPO_GITIGNORE };
      const npmMembers = packages.filter((p) => p.ecosystem === 'npm' && p.path !== '.');
      if (npmMembers.length > 0 && !packages.some((p) => p.ecosystem === 'npm' && p.path === '.')) {
        files['package.json'] = packageJson(r.name, '0.0.0', [], {
          private: true,
          main: undefined,
          workspaces: npmMembers.map((m) => m.path),
        });
      }
      pkgs.forEach((p, i) => {
        const fp = packages[i] as FixturePackage;
        const deps = (p.deps ?? []).map((d) => pin(p.ecosystem, d));
        const pf =
          p.ecosystem === 'python'
            ? pythonPackageFiles(fp.name, fp.version, deps)
            : npmPackageFiles(fp.name, fp.version, deps);
        for (const [rel, content] of Object.entries(pf)) files[fp.path === '.' ? rel : `${fp.path}/${rel}`] = content;
      });
      Object.assign(files, r.files ?? {});
      writeFiles(dir, files);

      let tick = 0;
      await git(root, ['init', '-q', '-b', 'main', dir]);
      appendFileSync(join(dir, '.git', 'config'), localGitConfig(remote));
      await git(dir, ['add', '-A']);
      await git(dir, ['commit', '-q', '-m', `chore: initial import of ${r.name}`], tick);
      for (const p of packages) {
        if (p.tag) await git(dir, ['tag', '-a', p.tag, '-m', `${p.name} v${p.version}`], tick);
      }
      const commits = (r.commits ?? []).map((c, n): CommitSpec => {
        if (c.files) return c;
        const target = packages.find((p) => p.name === c.package) ?? (packages[0] as FixturePackage);
        const base = target.path === '.' ? '' : `${target.path}/`;
        const rel =
          target.ecosystem === 'python'
            ? `src/${pythonModule(target.name)}/${slug(c.subject)}_${n + 1}.py`
            : `lib/${slug(c.subject)}-${n + 1}.js`;
        return { ...c, files: { [`${base}${rel}`]: `# ${c.subject}\n` } };
      });
      for (const c of commits) {
        tick += 1;
        writeFiles(dir, c.files ?? {});
        await git(dir, ['add', '-A']);
        await git(dir, ['commit', '-q', '-m', c.subject, ...(c.body ? ['-m', c.body] : [])], tick);
      }
      // Equivalent to `git init --bare` + `git push origin main --tags`, but a local bare clone
      // hardlinks objects instead of packing them: about half the fixture's build time.
      await git(root, ['clone', '-q', '--bare', dir, remote]);
      writeFileSync(join(remote, 'config'), BARE_CONFIG);
      const head = readFileSync(join(dir, '.git', 'refs', 'heads', 'main'), 'utf8');
      mkdirSync(join(dir, '.git', 'refs', 'remotes', 'origin'), { recursive: true });
      writeFileSync(join(dir, '.git', 'refs', 'remotes', 'origin', 'main'), head);
    }),
  );

  const ordered = spec.repos.map((r) => repos[r.name] as FixtureRepo);
  const packages = ordered.flatMap((r) => r.packages);
  const configPath = join(workspace, 'ferry.yaml');
  const baseConfig = (): Record<string, unknown> => ({
    version: 1,
    workspace: '.',
    packages: packages.map((p) => ({
      name: p.name,
      repo: p.repo,
      ...(p.path === '.' ? {} : { path: p.path }),
      ecosystem: p.ecosystem,
    })),
    // The preflight build (on by default) has its own tests on shaped repos; the ecosystem's tests
    // exercise the steps, and building every package twice would only double their time.
    release: { forge: { kind: 'git' }, preflight: { enabled: false } },
  });
  return {
    root,
    workspace,
    remotesDir,
    repos,
    packages,
    configPath,
    buildMs: Date.now() - started,
    git: (repo, args) => git((repos[repo] as FixtureRepo).dir, args),
    baseConfig,
    writeConfig(extra) {
      const base = baseConfig();
      const config = typeof extra === 'function' ? extra(base) : extra ? deepMerge(base, extra) : base;
      writeFileSync(configPath, stringify(config));
      return configPath;
    },
    snapshotRepos: () => snapshotRepos(ordered.map((r) => ({ name: r.name, dir: r.dir, remote: r.remote }))),
    async cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The seeds' tier graph (release-SKILL.md "Dependency Graph"). */
export const SEED_TIERS: readonly (readonly string[])[] = [
  ['omnibase_spi'],
  ['omnibase_core'],
  ['omnibase_infra', 'omniintelligence', 'omnimemory'],
  ['omniclaude'],
];

/** The seed graph as a spec; versions from the seed's example plan. */
export function seedSpec(opts: { commits?: Partial<Record<string, CommitSpec[]>> } = {}): EcosystemSpec {
  const repo = (
    name: string,
    version: string,
    deps: string[],
    commits: CommitSpec[],
    files?: Record<string, string>,
  ): RepoSpec => ({
    name,
    ecosystem: 'python',
    version,
    deps,
    commits: opts.commits?.[name] ?? commits,
    ...(files ? { files } : {}),
  });
  return {
    repos: [
      repo('omnibase_spi', '1.2.0', [], [{ subject: 'fix: validate protocol names' }]),
      repo('omnibase_core', '1.4.0', ['omnibase_spi'], [{ subject: 'feat: add event envelope' }]),
      repo(
        'omnibase_infra',
        '2.0.0',
        ['omnibase_core', 'omnibase_spi'],
        [{ subject: 'feat: add runtime health endpoint' }],
      ),
      repo('omniintelligence', '0.9.0', ['omnibase_core', 'omnibase_spi'], [{ subject: 'fix: handle empty scores' }]),
      repo('omnimemory', '0.3.0', ['omnibase_core', 'omnibase_spi'], [{ subject: 'fix: close store on shutdown' }]),
      repo(
        'omniclaude',
        '0.3.0',
        ['omnibase_core', 'omnibase_infra', 'omniintelligence'],
        [{ subject: 'feat: add session hooks' }],
      ),
    ],
  };
}

/** The seeds' 6-repo ecosystem: spi → core → infra, intelligence, memory → claude. */
export function seedEcosystem(opts: { commits?: Partial<Record<string, CommitSpec[]>> } = {}): Promise<Ecosystem> {
  return buildEcosystem(seedSpec(opts));
}

/**
 * One repo, three npm workspace packages: `<prefix>-core` ← `<prefix>-utils` ← `<prefix>-cli`
 * (cli also needs core). Give a unique `prefix` when publishing to a shared registry.
 */
export function npmMonorepo(opts: { prefix?: string; repo?: string; commits?: CommitSpec[] } = {}): Promise<Ecosystem> {
  const p = opts.prefix ?? 'fx';
  return buildEcosystem({
    repos: [
      {
        name: opts.repo ?? `${p}-mono`,
        packages: [
          { name: `${p}-core`, ecosystem: 'npm', version: '1.0.0', path: 'packages/core' },
          { name: `${p}-utils`, ecosystem: 'npm', version: '1.0.0', path: 'packages/utils', deps: [`${p}-core`] },
          {
            name: `${p}-cli`,
            ecosystem: 'npm',
            version: '1.0.0',
            path: 'packages/cli',
            deps: [`${p}-core`, `${p}-utils`],
          },
        ],
        commits: opts.commits ?? [
          { subject: 'feat(core): add parse helper', package: `${p}-core` },
          { subject: 'fix(cli): handle empty arguments', package: `${p}-cli` },
        ],
      },
    ],
  });
}
