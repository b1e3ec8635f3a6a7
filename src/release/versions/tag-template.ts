// Tag templates (`v{version}`, `{name}@{version}`, `{repo}/v{version}`, `{dir}-v{version}`…):
// render a tag, read the version back out of one, and the styles real repos tag with. Pure.

import { basename } from 'node:path';
import { parseVersion, type VersionScheme } from './version.js';

/** What a template's placeholders stand for, for one package. */
export interface TagVars {
  name: string;
  repo: string;
  /** Basename of the package's directory (the repo's own name for a package at the repo root). */
  dir: string;
}

export const TAG_PLACEHOLDERS = ['name', 'repo', 'dir', 'version'] as const;

/** TagVars of a package from its name, repo and path inside the repo. */
export function tagVars(p: { name: string; repo: string; path: string }): TagVars {
  const path = p.path.replace(/\/+$/, '');
  return { name: p.name, repo: p.repo, dir: path === '.' || path === '' ? basename(p.repo) : basename(path) };
}

/** Fill `{placeholder}`s from `values`; unknown ones stay as they are. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
}

export function renderTag(template: string, vars: TagVars, version: string): string {
  return fillTemplate(template, { ...vars, version });
}

/** The literal text around `{version}` for this package: two tags with the same affixes are one style. */
export function tagAffixes(template: string, vars: TagVars): Readonly<{ prefix: string; suffix: string }> | null {
  // Asked for every tag × style of every package: rendered once per package and style.
  let byTemplate = affixCache.get(vars);
  if (!byTemplate) affixCache.set(vars, (byTemplate = new Map()));
  const hit = byTemplate.get(template);
  if (hit !== undefined) return hit;
  const parts = template.split('{version}');
  const a =
    parts.length === 2
      ? { prefix: fillTemplate(parts[0]!, { ...vars }), suffix: fillTemplate(parts[1]!, { ...vars }) }
      : null;
  byTemplate.set(template, a);
  return a;
}

const affixCache = new WeakMap<TagVars, Map<string, Readonly<{ prefix: string; suffix: string }> | null>>();

/**
 * The version `tag` holds in `template`'s style for this package, or null when it is not such a
 * tag. The version must be one of the scheme's (and start with a digit), so `nightly-…`, `lab/…`
 * and another package's `{name}-{version}` tags are not taken for releases.
 */
export function parseTag(template: string, vars: TagVars, tag: string, scheme: VersionScheme): string | null {
  const a = tagAffixes(template, vars);
  if (!a || tag.length <= a.prefix.length + a.suffix.length) return null;
  if (!tag.startsWith(a.prefix) || !tag.endsWith(a.suffix)) return null;
  const text = tag.slice(a.prefix.length, tag.length - a.suffix.length);
  return parseVersion(scheme, text);
}

/**
 * The tag styles real projects use, most specific first (`ferry init` picks among them; the scan
 * accepts all of them besides the configured one, so a repo that changed style keeps its history).
 */
export const KNOWN_TAG_STYLES: readonly string[] = [
  '{name}/v{version}',
  '{name}@{version}',
  '{name}-v{version}',
  '{name}/{version}',
  '{name}-{version}',
  '{repo}/v{version}',
  '{dir}/v{version}',
  '{dir}-v{version}',
  '{dir}@{version}',
  'v{version}',
  '{version}',
];

/**
 * The styles whose tags are this package's releases: the configured template first, then every
 * known style that tells this package apart from the other packages of its repo (in a monorepo a
 * bare `v{version}` or `{repo}/v{version}` names no package, so it is left out unless configured).
 * Styles that render to the same affixes count once.
 */
export function candidateStyles(configured: string, vars: TagVars, siblings: readonly TagVars[] = []): string[] {
  const key = (t: string, v: TagVars): string | null => {
    const a = tagAffixes(t, v);
    return a ? `${a.prefix}\0${a.suffix}` : null;
  };
  const out: string[] = [configured];
  const seen = new Set([key(configured, vars)]);
  for (const style of KNOWN_TAG_STYLES) {
    const k = key(style, vars);
    if (k === null || seen.has(k)) continue;
    if (siblings.some((s) => key(style, s) === k)) continue;
    seen.add(k);
    out.push(style);
  }
  return out;
}
