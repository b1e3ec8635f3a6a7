// SCAN: last tag per package (highest semver matching the tag pattern, not the newest date),
// commits since it that touch the package's path, bump inferred from conventional commits.
// Pre-1.0 versions follow semver.inc exactly: 0.3.0 + major → 1.0.0, + minor → 0.4.0.

import semver from 'semver';
import { ErrorCode, FerryError } from '../errors.js';
import type { Git } from '../adapters/git/git.js';
import { readPackageJson } from '../manifest/package-json.js';
import { readPyproject } from '../manifest/pyproject.js';
import { classifyCommit, inferBump, type Bump, type BumpTypes, type ClassifiedCommit } from './conventional.js';
import type { PlanRow, ReleasePackage } from './types.js';

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Fill `{name}`, `{version}`, `{repo}`, `{run_id}` placeholders. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
}

export function formatTag(pattern: string, name: string, version: string, repo = name): string {
  return fillTemplate(pattern, { name, version, repo });
}

/** Glob for `git tag --list` (pattern with `{version}` → `*`). */
export function tagGlob(pattern: string, name: string, repo = name): string {
  return fillTemplate(pattern, { name, repo, version: '*' });
}

/** The highest-semver tag for `name` among `tags`, or null. Non-semver and foreign tags are ignored. */
export function pickLastTag(
  tags: readonly string[],
  pattern: string,
  name: string,
  repo = name,
): { tag: string; version: string } | null {
  const [before, after] = fillTemplate(pattern, { name, repo, version: '\0' }).split('\0').map(escapeRe);
  const re = new RegExp(`^${before}(.+)${after ?? ''}$`);
  let best: { tag: string; version: string } | null = null;
  for (const tag of tags) {
    const v = re.exec(tag)?.[1];
    if (!v || !semver.valid(v)) continue;
    if (!best || semver.gt(v, best.version)) best = { tag, version: v };
  }
  return best;
}

/** semver.inc, unchanged (pre-1.0 included). @throws USAGE on an invalid current version. */
export function nextVersion(current: string, bump: Bump): string {
  const v = semver.inc(current, bump);
  if (!v)
    throw new FerryError(ErrorCode.USAGE, `cannot bump ${JSON.stringify(current)}: not a semver version`, {
      fix: 'fix the version in the manifest or the last tag',
    });
  return v;
}

export interface ScanInput {
  pkg: Pick<ReleasePackage, 'name' | 'repo' | 'tier'>;
  lastTag: { tag: string; version: string } | null;
  manifestVersion: string | null;
  commits: readonly ClassifiedCommit[];
  bumpOverride: Bump | null;
}

/**
 * One plan row. Current = last tag's version, else the manifest's (first release).
 * No commits since the tag → NOTHING_TO_RELEASE even with --bump; commits but none releasing → same unless --bump.
 */
export function planRow(input: ScanInput): PlanRow {
  const current = input.lastTag?.version ?? input.manifestVersion;
  if (!current)
    throw new FerryError(ErrorCode.CONFIG_INVALID, `${input.pkg.name}: no tag and no version in its manifest`, {
      fix: `add a version to ${input.pkg.name}'s manifest`,
    });
  const inferred = inferBump(input.commits);
  const bump = input.commits.length === 0 ? null : (input.bumpOverride ?? inferred);
  return {
    repo: input.pkg.repo,
    package: input.pkg.name,
    tier: input.pkg.tier,
    current,
    new: bump ? nextVersion(current, bump) : null,
    bump,
    commits: input.commits.length,
    status: bump ? 'PLANNED' : 'NOTHING_TO_RELEASE',
  };
}

export interface ScanResult {
  row: PlanRow;
  commits: ClassifiedCommit[];
}

/** Read tags, commits and manifest version of one package at `ref` (IO half of SCAN). */
export async function scanPackage(
  git: Git,
  pkg: ReleasePackage,
  opts: { ref: string; tagPattern: string; bumpTypes: BumpTypes; bumpOverride: Bump | null },
): Promise<ScanResult> {
  const tags = await git.tags(pkg.repoDir, tagGlob(opts.tagPattern, pkg.name, pkg.repo));
  const lastTag = pickLastTag(tags, opts.tagPattern, pkg.name, pkg.repo);
  const range = lastTag ? `${lastTag.tag}..${opts.ref}` : opts.ref;
  const raw = await git.log(pkg.repoDir, range, pkg.path === '.' ? [] : [pkg.path]);
  const commits = raw.map((c) => classifyCommit(c.sha, c.message, opts.bumpTypes));
  const manifestVersion = await readManifestVersion(git, pkg, opts.ref);
  return { row: planRow({ pkg, lastTag, manifestVersion, commits, bumpOverride: opts.bumpOverride }), commits };
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
