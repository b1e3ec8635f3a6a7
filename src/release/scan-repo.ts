// SCAN, one repo at a time: the version truth and the unreleased history of every package of a
// repo from a constant number of git processes (two for-each-ref, one cat-file session, one log;
// rarely one more), however many packages the repo holds. The decisions stay the pure ones in
// ./scan.ts and ./versions/: this file only feeds them what git says.

import { classifyCommit, type Bump, type BumpTypes } from './conventional.js';
import { ErrorCode, FerryError } from '../errors.js';
import { CatFile } from './cat-file.js';
import { CAT_WALK_MAX, catWalk } from './cat-walk.js';
import { prefixRange, rangesByPackage, readRefs, runGit, walk, type TagRef, type Walked } from './facts.js';
import type { GitCommit } from '../adapters/git/git.js';
import { formatTag, manifestFile, planRow, versionLinePattern, type ScanResult } from './scan.js';
import {
  releasesFromTags,
  versionTruth,
  type TagContext,
  type TagRelease,
  type VersionTruth,
} from './versions/releases.js';
import { candidateStyles, KNOWN_TAG_STYLES, tagAffixes, tagVars, type TagVars } from './versions/tag-template.js';
import { schemeOf } from './versions/version.js';
import {
  isVersionFileCandidate,
  readDunderVersion,
  VERSION_FILE_NAMES,
  versionFileReport,
  type VersionFileReport,
} from './versions/version-files.js';
import type { ChangesetIntent } from './changesets.js';
import type { DynamicVersion, ReleasePackage } from './types.js';
import { checkVcsTag, manifestVersionAt } from './versions/dynamic.js';

export interface RepoScanOptions {
  /** The ref the release is cut from (see releaseRef). */
  ref: string;
  bumpTypes: BumpTypes;
  bumpOverride: Bump | null;
  defaultBump?: Bump | null;
  prerelease?: string | null;
  /** Whether the package was named on the command line (--bump then applies with no commits). */
  explicit?: (pkg: ReleasePackage) => boolean;
  /** Every package configured in this repo, scanned or not (their tag styles are not each other's). */
  siblings?: readonly Pick<ReleasePackage, 'name' | 'repo' | 'path'>[];
  /** Every tag of the repo when already read (see readRefs); else read here. */
  tags?: readonly TagRef[];
  /** release.intents, and the repo's changeset intents at `ref` (each package picks its own). */
  intents?: 'auto' | 'conventional' | 'changesets';
  changesets?: readonly ChangesetIntent[];
  /** The repo's cat-file session when the caller keeps one open (the plan's rewrites read through it too); else one is opened and closed here. */
  cat?: CatFile;
}

/** The tags among `sorted` that can be a release of the package: those starting with one of its styles' prefixes. */
function tagsFor(sorted: readonly string[], styles: readonly string[], vars: TagVars): string[] {
  const hit = new Set<number>();
  for (const s of styles) {
    const a = tagAffixes(s, vars);
    if (!a) continue;
    const [lo, hi] = prefixRange(sorted, a.prefix);
    for (let i = lo; i < hi; i++) hit.add(i);
  }
  return [...hit].sort((x, y) => x - y).map((i) => sorted[i]!);
}

/**
 * The siblings whose tags could be taken for this package's in some known style (same affixes):
 * what candidateStyles needs to know, computed once per repo instead of packages × siblings × styles.
 */
function collidingSiblings(
  siblings: readonly Pick<ReleasePackage, 'name' | 'repo' | 'path'>[],
): (name: string, vars: TagVars) => TagVars[] {
  const all = siblings.map((s) => ({ name: s.name, vars: tagVars(s) }));
  const byKey = KNOWN_TAG_STYLES.map((style) => {
    const m = new Map<string, { name: string; vars: TagVars }[]>();
    for (const s of all) {
      const a = tagAffixes(style, s.vars);
      if (!a) continue;
      const k = `${a.prefix}\0${a.suffix}`;
      m.set(k, [...(m.get(k) ?? []), s]);
    }
    return m;
  });
  return (name, vars) => {
    const out = new Map<string, TagVars>();
    KNOWN_TAG_STYLES.forEach((style, i) => {
      const a = tagAffixes(style, vars);
      if (!a) return;
      // One colliding sibling per style is enough to rule the style out (in a monorepo every
      // package collides on `v{version}`: listing them all made styles × packages² work).
      const other = byKey[i]!.get(`${a.prefix}\0${a.suffix}`)?.find((s) => s.name !== name);
      if (other) out.set(other.name, other.vars);
    });
    return [...out.values()];
  };
}

/** A package's directory inside the repo with a trailing slash ('' at the root). */
function dirOf(pkg: Pick<ReleasePackage, 'path'>): string {
  return pkg.path === '.' || pkg.path === './' ? '' : `${pkg.path.replace(/^\.\//, '').replace(/\/+$/, '')}/`;
}

/**
 * The package's version files as `git grep ^__version__` over its listed files and the conventional
 * candidates (`src/<module>/`, `<module>/` × __init__.py, _version.py, version.py) would find them:
 * path (relative to the package) → the version assigned, null when a `__version__` line assigns none.
 */
async function versionFiles(cat: CatFile, ref: string, pkg: ReleasePackage): Promise<Map<string, string | null>> {
  const dir = dirOf(pkg);
  const paths = new Set(pkg.versionFiles.map((f) => f.replace(/^\.\//, '')));
  if (pkg.ecosystem === 'python') {
    const [top, src] = await Promise.all([cat.tree(ref, dir), cat.tree(ref, `${dir}src`)]);
    for (const [prefix, entries] of [
      ['', top],
      ['src/', src],
    ] as const)
      for (const e of entries ?? [])
        if (e.dir)
          for (const name of VERSION_FILE_NAMES) {
            const rel = `${prefix}${e.name}/${name}`;
            if (isVersionFileCandidate(rel)) paths.add(rel);
          }
  }
  const found = new Map<string, string | null>();
  const sorted = [...paths].sort();
  const texts = await Promise.all(sorted.map((rel) => cat.text(ref, `${dir}${rel}`)));
  sorted.forEach((rel, i) => {
    const lines = (texts[i] ?? '').split('\n').filter((l) => l.startsWith('__version__'));
    if (!lines.length) return;
    found.set(rel, lines.map(readDunderVersion).find((v) => v !== null) ?? null);
  });
  return found;
}

/**
 * Where a package states its version (repo-relative) and the line that holds it: the manifest's
 * `version` key, or the module of a dynamic version (hatch path, setuptools attr).
 */
function versionHome(k: Pick<Known, 'p' | 'source'>): { file: string; pattern: string; rx: RegExp } {
  if (k.source?.file) return { file: `${dirOf(k.p)}${k.source.file}`, pattern: '^__version__', rx: /^__version__/ };
  const rx = k.p.ecosystem === 'python' ? /^\s*version\s*=/ : /^\s*"version"\s*:/;
  return { file: manifestFile(k.p), pattern: versionLinePattern(k.p.ecosystem), rx };
}

/** The lines of a manifest (or version module) that `git log -G<pattern>` would see change. */
function versionLines(rx: RegExp, text: string | null): string {
  return (text ?? '')
    .split('\n')
    .filter((l) => rx.test(l))
    .sort()
    .join('\n');
}

/**
 * For each package whose version truth is its manifest: the newest commit of the walk that changed
 * the manifest's version line (what `git log -1 -G<version line> <ref> -- <manifest>` finds), read
 * through the cat-file session newest first. A package whose commit is not in the walk (it lies
 * below the walk's base) asks git directly; with a whole-history walk there is none (null).
 */
async function versionCommits(
  dir: string,
  cat: CatFile,
  ref: string,
  pkgs: readonly Pick<Known, 'p' | 'source'>[],
  walked: readonly Walked[],
  wholeHistory: boolean,
): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  const byFile = new Map<string, number[]>();
  for (const k of pkgs) byFile.set(versionHome(k).file, []);
  // Merges carry no diff of their own for -G (git log shows none without -m).
  walked.forEach((c, i) => {
    if (c.parents.length > 1) return;
    for (const f of c.files[0] ?? []) byFile.get(f)?.push(i);
  });
  await Promise.all(
    pkgs.map(async (k) => {
      const { p } = k;
      const { file, pattern, rx } = versionHome(k);
      for (const i of byFile.get(file)!) {
        const c = walked[i]!;
        const [now, before] = await Promise.all([
          cat.text(c.sha, file),
          c.parents[0] ? cat.text(c.parents[0], file) : Promise.resolve(null),
        ]);
        if (versionLines(rx, now) !== versionLines(rx, before)) return void out.set(p.name, c.sha);
      }
      if (wholeHistory) return void out.set(p.name, null);
      const r = await runGit(dir, ['log', '-1', '--format=%H', `-G${pattern}`, ref, '--', file]);
      out.set(p.name, r.code === 0 ? r.stdout.toString('utf8').trim() || null : null);
    }),
  );
  return out;
}

/** Scan every package of the repo in `dir` at `opts.ref`; results in the order of `pkgs`. */
export async function scanRepo(
  dir: string,
  pkgs: readonly ReleasePackage[],
  opts: RepoScanOptions,
): Promise<ScanResult[]> {
  if (!pkgs.length) return [];
  const { ref } = opts;
  const cat = opts.cat ?? new CatFile(dir);
  try {
    const [tags, head, stated] = await Promise.all([
      opts.tags ?? readRefs(dir, []).then((r) => r.tags),
      cat.read(`${ref}^{commit}`),
      Promise.all(
        pkgs.map(async (p) =>
          manifestVersionAt(p, ref, await cat.text(ref, manifestFile(p)), manifestFile(p), (f) => cat.text(ref, f)),
        ),
      ),
    ]);
    // A module that holds a dynamic version (hatch path, setuptools attr) is a version file BUMP updates.
    const withSource = pkgs.map((p, i) => {
      const file = stated[i]!.source?.file;
      return file && !p.versionFiles.includes(file) ? { ...p, versionFiles: [...p.versionFiles, file] } : p;
    });
    const vfiles = await Promise.all(withSource.map((p) => versionFiles(cat, ref, p)));
    const allNames = tags.map((t) => t.name);
    const colliding = collidingSiblings(opts.siblings ?? pkgs);
    const known = pkgs.map((p, i) => {
      const scheme = schemeOf(p.ecosystem);
      const vars = tagVars(p);
      const siblings = colliding(p.name, vars);
      const styles = candidateStyles(p.tag, vars, siblings);
      const ctx = { scheme, template: p.tag, vars, siblings };
      // Every release in the repo, on any branch: none of them may be proposed again.
      const releases = releasesFromTags(tagsFor(allNames, styles, vars), ctx);
      return { p, vars, ctx, styles, releases, version: stated[i]!.version, source: stated[i]!.source };
    });
    const input = { dir, ref, head: head?.oid ?? null, cat, pkgs: known };
    // The highest release of each package is usually on the release branch: take it, and let the
    // walk confirm it is reachable. When one is not (a maintenance branch, a tag on an unmerged
    // branch), ask git for the tags merged into the head and plan from those.
    const history =
      (await historyFrom(input, (k) => k.releases.at(-1) ?? null, tags, true)) ??
      (await fromMergedTags(input, opts.ref));
    return known.map((k, i) => {
      const { truth, commits: raw } = history[i]!;
      const commits = raw.map((c) => classifyCommit(c.sha, c.message, opts.bumpTypes));
      const planned = planRow({
        pkg: k.p,
        truth,
        commits,
        bumpOverride: opts.bumpOverride,
        defaultBump: opts.defaultBump ?? null,
        explicit: opts.explicit?.(k.p) ?? false,
        prerelease: opts.prerelease ?? null,
        releases: k.releases,
        template: k.p.tag,
        vars: k.vars,
        intents: opts.intents ?? 'conventional',
        changesets: opts.changesets ?? [],
      });
      if (k.source && planned.new) checkVcsTag(k.p.name, k.source, formatTag(k.p.tag, k.p, planned.new), planned.new);
      const row = k.source ? { ...planned, version_source: k.source } : planned;
      const report = versionFilesReport(withSource[i]!, ref, k.version, vfiles[i]!);
      return { row, commits, truth, warnings: report.warnings };
    });
  } finally {
    if (!opts.cat) await cat.close();
  }
}

interface Known {
  p: ReleasePackage;
  vars: TagVars;
  ctx: TagContext;
  styles: string[];
  releases: TagRelease[];
  version: string | null;
  /** Set when the version is not the manifest's key (dynamic, issue 19.5). */
  source: DynamicVersion | null;
}

interface HistoryInput {
  dir: string;
  ref: string;
  /** The commit `ref` names (null: unborn, nothing to walk). */
  head: string | null;
  cat: CatFile;
  pkgs: readonly Known[];
}

async function fromMergedTags(
  input: HistoryInput,
  ref: string,
): Promise<{ truth: VersionTruth; commits: GitCommit[] }[]> {
  const merged = (await readRefs(input.dir, [], ref)).tags;
  const names = merged.map((t) => t.name);
  const last = (k: Known): TagRelease | null =>
    releasesFromTags(tagsFor(names, k.styles, k.vars), k.ctx).at(-1) ?? null;
  return (await historyFrom(input, last, merged, false))!;
}

/**
 * Version truth and unreleased commits of every package, from one walk down to the oldest base.
 * `verify`: the last tags were picked among all tags; null when the walk shows one of them is not
 * reachable from the head (then the caller asks for the merged tags).
 */
async function historyFrom(
  input: HistoryInput,
  lastOf: (k: Known) => TagRelease | null,
  tags: readonly TagRef[],
  verify: boolean,
): Promise<{ truth: VersionTruth; commits: GitCommit[] }[] | null> {
  const { dir, ref, cat } = input;
  const tagByName = new Map(tags.map((t) => [t.name, t]));
  const facts = input.pkgs.map((k) => {
    const lastTag = lastOf(k);
    return { k, lastTag, truth: versionTruth(k.ctx.scheme, k.p.name, k.version, lastTag) };
  });
  // One walk down to the oldest base: the last tags, and for a manifest ahead of its tag the tag
  // too (the commit that set the version is above it); a package never tagged needs all history.
  const tagged = facts.map((f) => (f.lastTag ? tagByName.get(f.lastTag.tag)! : null));
  const base = tagged.includes(null)
    ? null
    : tagged.reduce((a, b) => (b!.time < a!.time ? b : a), tagged[0] ?? null)!.commit;
  const pkgs = input.pkgs.map((k) => k.p);
  const fromManifest = facts.filter((f) => f.truth.from === 'manifest').map((f) => f.k);
  const names = pkgs.some((p) => dirOf(p) !== '') || fromManifest.length > 0;
  // Without file names (every package at the repo root, versions from tags) the short linear range
  // of a polyrepo is read through the cat-file session already open: no `git log` process.
  const walked =
    input.head === null
      ? []
      : (!names && (await catWalk(cat, input.head, base, CAT_WALK_MAX))) || (await walk(dir, ref, base, names));
  if (verify) {
    const seen = new Set(walked.map((c) => c.sha));
    if (input.head) seen.add(input.head);
    if (base !== null && walked.some((c) => c.parents.includes(base))) seen.add(base);
    for (const f of facts) for (const t of f.lastTag?.tags ?? []) if (!seen.has(tagByName.get(t)!.commit)) return null;
  }
  const setBy = await versionCommits(dir, cat, ref, fromManifest, walked, base === null);
  const baseOf = new Map(
    facts.map((f, i) => [f.k.p.name, f.truth.from === 'tag' ? tagged[i]!.commit : (setBy.get(f.k.p.name) ?? null)]),
  );
  const ranges = await rangesByPackage(dir, ref, pkgs, walked, base, names, (n) => baseOf.get(n) ?? null);
  return facts.map((f) => ({ truth: f.truth, commits: ranges.get(f.k.p.name)! }));
}

/** What BUMP will do to the version files. @throws CONFIG_INVALID for a listed file it cannot update. */
function versionFilesReport(
  pkg: ReleasePackage,
  ref: string,
  manifestVersion: string | null,
  found: ReadonlyMap<string, string | null>,
): VersionFileReport {
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
