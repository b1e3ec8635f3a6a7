// `ferry init`'s guess of a package's tag template from the tags its repo already has: the style
// of its newest release, and when that release carries tags in two styles, the style adopted
// last (a repo moving from `v1.2.0` to `acme-core/v1.3.0` tags its transition release both ways).

import { releasesFromTags } from './releases.js';
import { KNOWN_TAG_STYLES, type TagVars } from './tag-template.js';
import type { VersionScheme } from './version.js';

export interface TagInference {
  template: string;
  /** Releases found among the tags (a release with two tags counts once). */
  releases: number;
  /** The newest release's version and every style the package's tags used, oldest first. */
  latest: string;
  styles: string[];
}

/** The template of the newest release among `tags`, or null when none of them is a release of this package. */
export function inferTagTemplate(
  tags: readonly string[],
  ctx: { scheme: VersionScheme; vars: TagVars; siblings?: readonly TagVars[] },
): TagInference | null {
  const releases = releasesFromTags(tags, { ...ctx, template: KNOWN_TAG_STYLES[0]! });
  const newest = releases.at(-1);
  if (!newest) return null;
  const firstUse = new Map<string, number>();
  releases.forEach((r, i) => {
    for (const s of r.styles) if (!firstUse.has(s)) firstUse.set(s, i);
  });
  // The newest release's styles; among them the one first used most recently, then the most specific.
  const template = [...new Set(newest.styles)].sort(
    (a, b) =>
      (firstUse.get(b) ?? 0) - (firstUse.get(a) ?? 0) || KNOWN_TAG_STYLES.indexOf(a) - KNOWN_TAG_STYLES.indexOf(b),
  )[0]!;
  return { template, releases: releases.length, latest: newest.version, styles: [...firstUse.keys()] };
}
