// A package's releases as its tags record them, and the version truth planning starts from:
// current = the highest of the manifest version and the last release tag, compared by the
// ecosystem's rules. Pure: tag names and versions in, decisions out.

import { ErrorCode, FerryError } from '../../errors.js';
import { candidateStyles, parseTag, renderTag, type TagVars } from './tag-template.js';
import { compareVersions, type VersionScheme } from './version.js';

/** One release: a version and every tag that names it (`v1.2.0` and `repo/v1.2.0` are one release). */
export interface TagRelease {
  version: string;
  /** The tag to diff from: the one in the configured style when there is one, else the first style's. */
  tag: string;
  tags: string[];
  /** The template of each tag, in the order of `tags`. */
  styles: string[];
}

export interface TagContext {
  scheme: VersionScheme;
  /** The package's configured template (`packages[].tag`, default `release.tag`). */
  template: string;
  vars: TagVars;
  /** The other packages of the same repo (their styles are not this package's). */
  siblings?: readonly TagVars[];
}

/** Every release among `tags` in any style this package may have used, oldest version first. */
export function releasesFromTags(tags: readonly string[], ctx: TagContext): TagRelease[] {
  const styles = candidateStyles(ctx.template, ctx.vars, ctx.siblings);
  const found: { version: string; tag: string; style: string; rank: number }[] = [];
  for (const tag of tags) {
    for (const [rank, style] of styles.entries()) {
      const version = parseTag(style, ctx.vars, tag, ctx.scheme);
      if (version === null) continue;
      found.push({ version, tag, style, rank });
      break;
    }
  }
  found.sort((a, b) => compareVersions(ctx.scheme, a.version, b.version) || a.rank - b.rank);
  const out: TagRelease[] = [];
  for (const f of found) {
    const last = out[out.length - 1];
    if (last && compareVersions(ctx.scheme, last.version, f.version) === 0) {
      last.tags.push(f.tag);
      last.styles.push(f.style);
      continue;
    }
    out.push({ version: f.version, tag: f.tag, tags: [f.tag], styles: [f.style] });
  }
  return out;
}

/** The highest release among `tags` (pass only tags reachable from the release branch), or null. */
export function lastRelease(tags: readonly string[], ctx: TagContext): TagRelease | null {
  const all = releasesFromTags(tags, ctx);
  return all[all.length - 1] ?? null;
}

/** Where the current version comes from, and which history its release already covers. */
export interface VersionTruth {
  current: string;
  /**
   * `tag`: the last release tag is the current version (history since that tag is unreleased).
   * `manifest`: the manifest is ahead of every tag or there is no tag: the version was released
   * (or claimed) without a tag, so only history after the commit that set it is unreleased.
   */
  from: 'tag' | 'manifest';
  lastTag: TagRelease | null;
}

/**
 * current = max(manifest version, last release tag) by the scheme. Equal versions count as the
 * tag's (its commit is exact). @throws CONFIG_INVALID when there is neither.
 */
export function versionTruth(
  scheme: VersionScheme,
  name: string,
  manifestVersion: string | null,
  lastTag: TagRelease | null,
): VersionTruth {
  if (lastTag && (manifestVersion === null || compareVersions(scheme, lastTag.version, manifestVersion) >= 0))
    return { current: lastTag.version, from: 'tag', lastTag };
  if (manifestVersion !== null) return { current: manifestVersion, from: 'manifest', lastTag };
  throw new FerryError(ErrorCode.CONFIG_INVALID, `${name}: no release tag and no version in its manifest`, {
    fix: `add a static version to ${name}'s manifest, or tag its last release in its tag style (packages[].tag)`,
  });
}

/**
 * Version truth for a proposed version: it must be above `current` and no tag of the repo may
 * already name it (in any style, on any branch). @throws VERSION_EXISTS before anything happens.
 */
export function checkProposedVersion(input: {
  name: string;
  scheme: VersionScheme;
  current: string;
  proposed: string;
  /** Every release of the package in the repo, from all tags (not only the release branch's). */
  releases: readonly TagRelease[];
  template: string;
  vars: TagVars;
  /** What caused the version, for the message (`--bump patch`, `--prerelease b`, `feat commits`). */
  cause: string;
}): void {
  const tag = renderTag(input.template, input.vars, input.proposed);
  const existing = input.releases.find((r) => compareVersions(input.scheme, r.version, input.proposed) === 0);
  if (existing) {
    throw new FerryError(
      ErrorCode.VERSION_EXISTS,
      `${input.name}: ${input.cause} proposes ${input.proposed}, which is already released (tag ${existing.tags.join(', ')})`,
      {
        fix: `release from the branch that holds ${existing.tag} (release.main_branch / packages[].main_branch), or pick a higher bump: ferry release ${input.name} --bump minor --dry-run`,
        details: { package: input.name, version: input.proposed, tag: existing.tag },
      },
    );
  }
  if (compareVersions(input.scheme, input.proposed, input.current) <= 0) {
    throw new FerryError(
      ErrorCode.VERSION_EXISTS,
      `${input.name}: ${input.cause} proposes ${input.proposed}, which is not above the current version ${input.current} (tag would be ${tag})`,
      {
        fix: `pick a bump that goes above ${input.current}: ferry release ${input.name} --bump minor --dry-run`,
        details: { package: input.name, version: input.proposed, current: input.current },
      },
    );
  }
}
