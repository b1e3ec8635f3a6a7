// SCAN: the version truth and the unreleased history of one package, then its plan row.
// Pure decisions (planRow, nextVersion) live here and in ./versions/; ./scan-repo.ts is the IO half
// (one repo at a time, a constant number of git processes however many packages it holds).
// The last release is the highest tag reachable from the release branch in any style the package
// used (a maintenance branch sees its own line); current = max(manifest version, that tag).

import { inferBump, noneConventional, type Bump, type ClassifiedCommit } from './conventional.js';
import type { PlanRow, ReleasePackage } from './types.js';
import { changesetBumps, maxBump, type ChangesetIntent } from './changesets.js';
import { plural } from '../util/text.js';
import { checkProposedVersion, type TagRelease, type VersionTruth } from './versions/releases.js';
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
  /** release.intents: which sources bump (default conventional: commits only). */
  intents?: 'auto' | 'conventional' | 'changesets';
  /** This package's changeset intents (read at the release ref). */
  changesets?: readonly ChangesetIntent[];
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
  const mode = input.intents ?? 'conventional';
  const cs = mode === 'conventional' ? [] : (input.changesets ?? []).filter((c) => c.package === input.pkg.name);
  const asked = changesetBumps(cs).get(input.pkg.name) ?? null;
  // Changesets mode: commits say nothing about the bump (only a changeset does), as with the changesets CLI.
  const inferred = maxBump(
    mode === 'changesets' ? null : inferBump(input.commits, input.defaultBump ?? null),
    asked?.bump ?? null,
  );
  const pre = input.prerelease ?? null;
  const bump =
    input.commits.length === 0 && !asked
      ? input.explicit
        ? input.bumpOverride
        : null
      : (input.bumpOverride ?? inferred);
  // Said only when it is the whole story: commits exist, but no conventional one (or no changeset) to infer from.
  const reason = bump
    ? undefined
    : mode === 'changesets' && input.commits.length > 0
      ? `${plural(input.commits.length, 'commit')}, no changeset names it: nothing to release; add a .changeset/*.md file or use --bump`
      : noneConventional(input.commits)
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
    ...(bump && asked ? { changesets: cs.map((c) => ({ file: c.file, bump: c.bump })) } : {}),
  };
}

export interface ScanResult {
  row: PlanRow;
  commits: ClassifiedCommit[];
  truth: VersionTruth;
  /** Notes for the plan (stale or unlisted version files). */
  warnings: string[];
}

export function manifestFile(pkg: Pick<ReleasePackage, 'ecosystem' | 'path'>): string {
  const file = pkg.ecosystem === 'python' ? 'pyproject.toml' : 'package.json';
  return pkg.path === '.' ? file : `${pkg.path.replace(/\/$/, '')}/${file}`;
}

/** The line that holds a manifest's own version (`version = "…"` / `"version": "…"`), for `git log -G`. */
export function versionLinePattern(ecosystem: ReleasePackage['ecosystem']): string {
  return ecosystem === 'python' ? '^[[:space:]]*version[[:space:]]*=' : '^[[:space:]]*"version"[[:space:]]*:';
}
