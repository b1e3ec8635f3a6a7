// SCAN: the version truth and the unreleased history of one package, then its plan row.
// Pure decisions (planRow, nextVersion) live here and in ./versions/; scanPackage is the IO half.
// The last release is the highest tag reachable from the release branch in any style the package
// used (a maintenance branch sees its own line); current = max(manifest version, that tag).

import type { Git } from '../adapters/git/git.js';
import { readPackageJson } from '../manifest/package-json.js';
import { readPyproject } from '../manifest/pyproject.js';
import {
  classifyCommit,
  inferBump,
  noneConventional,
  type Bump,
  type BumpTypes,
  type ClassifiedCommit,
} from './conventional.js';
import type { PlanRow, ReleasePackage } from './types.js';
import { ErrorCode, FerryError } from '../errors.js';
import { plural } from '../util/text.js';
import {
  isVersionFileCandidate,
  readDunderVersion,
  VERSION_FILE_NAMES,
  versionFileReport,
  type VersionFileReport,
} from './versions/version-files.js';
import {
  checkProposedVersion,
  releasesFromTags,
  versionTruth,
  type TagRelease,
  type VersionTruth,
} from './versions/releases.js';
import { fillTemplate, renderTag, tagVars, type TagVars } from './versions/tag-template.js';
import { bumpVersion, prereleaseVersion, schemeOf, type VersionScheme } from './versions/version.js';

export { fillTemplate };

/** The tag of `version` for a package (its template, `{name}` `{repo}` `{dir}` `{version}`). */
export function formatTag(
  template: string,
  pkg: { name: string; repo: string; path?: string },
  version: string,
): string {
  return renderTag(template, tagVars({ path: '.', ...pkg }), version);
}

/** The release `bump` leads to from `current`, by the scheme's rules; a pre-release when `prerelease` is set. */
export function nextVersion(
  current: string,
  bump: Bump,
  scheme: VersionScheme = 'semver',
  prerelease: string | null = null,
): string {
  return prerelease ? prereleaseVersion(scheme, current, bump, prerelease) : bumpVersion(scheme, current, bump);
}

export interface ScanInput {
  pkg: Pick<ReleasePackage, 'name' | 'repo' | 'tier' | 'ecosystem'>;
  truth: VersionTruth;
  /** Unreleased commits: since the last tag, or since the manifest version was set (VersionTruth.from). */
  commits: readonly ClassifiedCommit[];
  bumpOverride: Bump | null;
  /** release.default_bump: the bump of commits that are not conventional (null = none). */
  defaultBump?: Bump | null;
  /** The package was named on the command line: --bump then applies even with no commits of its own. */
  explicit?: boolean;
  /** `--prerelease <id>`: the new version is a pre-release of the bumped one. */
  prerelease?: string | null;
  /** Every release of the package among all the repo's tags (version truth: none may be proposed again). */
  releases?: readonly TagRelease[];
  template?: string;
  vars?: TagVars;
}

/**
 * One plan row. No unreleased commits → NOTHING_TO_RELEASE, unless --bump and the package was named
 * explicitly; commits but none releasing (release.default_bump counts for non-conventional ones) →
 * same unless --bump, with a `reason` when none of them is conventional. With --prerelease the new
 * version is a pre-release of the bumped one.
 * @throws VERSION_EXISTS when the proposed version is not above current or is already tagged.
 */
export function planRow(input: ScanInput): PlanRow {
  const scheme = schemeOf(input.pkg.ecosystem);
  const { current } = input.truth;
  const inferred = inferBump(input.commits, input.defaultBump ?? null);
  const pre = input.prerelease ?? null;
  const bump =
    input.commits.length === 0 ? (input.explicit ? input.bumpOverride : null) : (input.bumpOverride ?? inferred);
  // Said only when it is the whole story: commits exist, but no conventional one to infer from.
  const reason =
    !bump && noneConventional(input.commits)
      ? `${plural(input.commits.length, 'commit')}, none conventional: nothing to release; use --bump or release.default_bump`
      : undefined;
  const proposed = bump ? nextVersion(current, bump, scheme, pre) : null;
  if (proposed && bump) {
    checkProposedVersion({
      name: input.pkg.name,
      scheme,
      current,
      proposed,
      releases: input.releases ?? [],
      template: input.template ?? '{name}/v{version}',
      vars: input.vars ?? tagVars({ ...input.pkg, path: '.' }),
      cause: `${input.bumpOverride ? `--bump ${bump}` : `a ${bump} bump`}${pre ? ` with --prerelease ${pre}` : ''} from ${current}`,
    });
  }
  return {
    repo: input.pkg.repo,
    package: input.pkg.name,
    tier: input.pkg.tier,
    current,
    new: proposed,
    bump,
    commits: input.commits.length,
    status: bump ? 'PLANNED' : 'NOTHING_TO_RELEASE',
    last_tag: input.truth.lastTag?.tag ?? null,
    current_from: input.truth.from,
    ...(reason ? { reason } : {}),
  };
}

export interface ScanResult {
  row: PlanRow;
  commits: ClassifiedCommit[];
  truth: VersionTruth;
  /** Notes for the plan (stale or unlisted version files). */
  warnings: string[];
}

export interface ScanOptions {
  ref: string;
  bumpTypes: BumpTypes;
  bumpOverride: Bump | null;
  defaultBump?: Bump | null;
  /** The package was named on the command line (--bump applies with no commits of its own). */
  explicit?: boolean;
  prerelease?: string | null;
  /** The other packages of this package's repo (their tag styles are not this package's). */
  siblings?: readonly Pick<ReleasePackage, 'name' | 'repo' | 'path'>[];
}

/** Read tags, commits and manifest version of one package at `ref` (IO half of SCAN). */
export async function scanPackage(git: Git, pkg: ReleasePackage, opts: ScanOptions): Promise<ScanResult> {
  const scheme = schemeOf(pkg.ecosystem);
  const vars = tagVars(pkg);
  const ctx = {
    scheme,
    template: pkg.tag,
    vars,
    siblings: (opts.siblings ?? []).filter((s) => s.name !== pkg.name).map(tagVars),
  };
  // Reachable tags decide the last release (a maintenance branch sees its own line); all tags
  // decide which versions exist.
  const [reachable, all] = await Promise.all([git.tagsMerged(pkg.repoDir, opts.ref), git.tags(pkg.repoDir, '*')]);
  const lastTag = releasesFromTags(reachable, ctx).at(-1) ?? null;
  const manifestVersion = await readManifestVersion(git, pkg, opts.ref);
  const truth = versionTruth(scheme, pkg.name, manifestVersion, lastTag);
  const base = truth.from === 'tag' ? truth.lastTag!.tag : await versionCommit(git, pkg, opts.ref);
  const range = base ? `${base}..${opts.ref}` : opts.ref;
  const raw = await git.log(pkg.repoDir, range, pkg.path === '.' ? [] : [pkg.path]);
  const commits = raw.map((c) => classifyCommit(c.sha, c.message, opts.bumpTypes));
  const row = planRow({
    pkg,
    truth,
    commits,
    bumpOverride: opts.bumpOverride,
    defaultBump: opts.defaultBump ?? null,
    explicit: opts.explicit ?? false,
    prerelease: opts.prerelease ?? null,
    releases: releasesFromTags(all, ctx),
    template: pkg.tag,
    vars,
  });
  const files = await scanVersionFiles(git, pkg, opts.ref, manifestVersion);
  return { row, commits, truth, warnings: files.warnings };
}

/** Pathspecs (repo-relative) of the package's listed version files and the conventional candidates. */
export function versionFilePathspecs(pkg: Pick<ReleasePackage, 'path' | 'versionFiles' | 'ecosystem'>): string[] {
  const dir = pkg.path === '.' ? '' : `${pkg.path.replace(/\/$/, '')}/`;
  const specs = pkg.versionFiles.map((f) => `${dir}${f.replace(/^\.\//, '')}`);
  if (pkg.ecosystem === 'python')
    for (const name of VERSION_FILE_NAMES) specs.push(`:(glob)${dir}src/*/${name}`, `:(glob)${dir}*/${name}`);
  return specs;
}

/** What BUMP will do to the version files, read at `ref`. @throws CONFIG_INVALID for a listed file it cannot update. */
async function scanVersionFiles(
  git: Git,
  pkg: ReleasePackage,
  ref: string,
  manifestVersion: string | null,
): Promise<VersionFileReport> {
  const specs = versionFilePathspecs(pkg);
  if (!specs.length) return { update: [], warnings: [], broken: [] };
  const dir = pkg.path === '.' ? '' : `${pkg.path.replace(/\/$/, '')}/`;
  const found = new Map<string, string | null>();
  for (const hit of await git.versionAssignments(pkg.repoDir, ref, specs)) {
    const rel = hit.path.startsWith(dir) ? hit.path.slice(dir.length) : hit.path;
    if (!found.has(rel) || found.get(rel) === null) found.set(rel, readDunderVersion(hit.text));
  }
  const candidates = [...found]
    .filter(([path]) => pkg.versionFiles.includes(path) || isVersionFileCandidate(path))
    .map(([path, version]) => ({ path, version }));
  const report = versionFileReport(pkg.name, manifestVersion, pkg.versionFiles, candidates);
  if (report.broken.length)
    throw new FerryError(
      ErrorCode.CONFIG_INVALID,
      `${pkg.name}: version_files ${report.broken.join(', ')} ${report.broken.length === 1 ? 'has' : 'have'} no __version__ = "…" line at ${ref} (nothing to update)`,
      {
        fix: `add __version__ = "${manifestVersion ?? '…'}" to it, or remove it from packages[].version_files of ${pkg.name}`,
        details: { package: pkg.name, files: report.broken },
      },
    );
  return report;
}

export function manifestFile(pkg: Pick<ReleasePackage, 'ecosystem' | 'path'>): string {
  const file = pkg.ecosystem === 'python' ? 'pyproject.toml' : 'package.json';
  return pkg.path === '.' ? file : `${pkg.path.replace(/\/$/, '')}/${file}`;
}

async function readManifestVersion(git: Git, pkg: ReleasePackage, ref: string): Promise<string | null> {
  const file = manifestFile(pkg);
  const text = await git.show(pkg.repoDir, ref, file);
  if (text === null) return null;
  return pkg.ecosystem === 'python' ? readPyproject(text, file).version : readPackageJson(text, file).version;
}

/** The line that holds a manifest's own version (`version = "…"` / `"version": "…"`), for `git log -G`. */
export function versionLinePattern(ecosystem: ReleasePackage['ecosystem']): string {
  return ecosystem === 'python' ? '^[[:space:]]*version[[:space:]]*=' : '^[[:space:]]*"version"[[:space:]]*:';
}

/**
 * The newest commit at `ref` that changed the manifest's version line: the manifest version covers
 * it and everything before it. Null when the manifest never had one (then all history counts).
 */
async function versionCommit(git: Git, pkg: ReleasePackage, ref: string): Promise<string | null> {
  return git.lastCommitChanging(pkg.repoDir, ref, manifestFile(pkg), versionLinePattern(pkg.ecosystem));
}
