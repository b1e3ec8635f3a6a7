// The IO half of planning, read once per repo: the release head, the tags merged into it, one
// history walk, and (only where a decision needs them) manifests. Cost grows with commits, not
// packages × commits: a 1000-package monorepo is one `git log`, not a thousand path-limited ones.
//
//   1. `git for-each-ref --merged <head>`: every tag reachable from the release head (so a
//      maintenance branch sees its own tags, not main's newer ones) and both branch refs.
//   2. `git log --name-only` from the head down to the oldest last release (one walk; parents
//      let each package's own range, from its own tag, be derived in memory).
//   3. `git cat-file --batch`: the manifests that a decision needs (today: packages never tagged).
// A polyrepo whose packages are all tagged costs 2 processes. Which tag is a package's last release
// and what its version is stay the pure functions' call (passed in as lastTagOf; versions/ owns them).

import { spawn } from 'node:child_process';
import { ErrorCode, FerryError } from '../errors.js';
import { readPackageJson } from '../manifest/package-json.js';
import { readPyproject } from '../manifest/pyproject.js';
import { formatCommand, type ExecResult } from '../util/process.js';
import { Git, type GitCommit } from '../adapters/git/git.js';
import { manifestFile } from './scan.js';
import type { ReleasePackage } from './types.js';

const GIT_ENV = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };

interface GitOut {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * Plain child_process for hot-path reads (no per-call wrapper cost); `input` goes to stdin.
 * Exits non-zero come back as code, not thrown: callers decide what a failure means.
 */
function runGit(cwd: string, args: readonly string[], input?: string): Promise<GitOut> {
  return new Promise((resolve, reject) => {
    const p = spawn('git', args, {
      cwd,
      env: GIT_ENV,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout!.on('data', (b: Buffer) => out.push(b));
    p.stderr!.on('data', (b: Buffer) => err.push(b));
    p.on('error', (e) => reject(failed(cwd, args, e.message)));
    p.on('close', (code) =>
      resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
    if (input !== undefined) p.stdin!.end(input);
  });
}

function failed(cwd: string, args: readonly string[], why: string): FerryError {
  return new FerryError(ErrorCode.COMMAND_FAILED, `${formatCommand('git', args)} failed in ${cwd}: ${why.trim()}`, {
    fix: `git -C ${cwd} ${args.slice(0, 2).join(' ')}   # check the repo is a valid clone`,
  });
}

async function gitOk(cwd: string, args: readonly string[], input?: string): Promise<Buffer> {
  const r = await runGit(cwd, args, input);
  if (r.code !== 0) throw failed(cwd, args, r.stderr.split('\n').slice(-3).join(' '));
  return r.stdout;
}

export interface TagRef {
  name: string;
  /** The commit it names (peeled for annotated tags). */
  commit: string;
  /** That commit's committer time (unix seconds). */
  time: number;
}

export interface HeadFacts {
  /** What to release from: the tracking ref when it exists, else HEAD. */
  ref: string;
  /** Tags merged into `ref`, sorted by name. */
  tags: TagRef[];
  /** Commits on the local branch that the tracking ref lacks (0 when in step or behind). */
  unpushed: number;
}

/** One for-each-ref: the tags merged into the release head and the two branch refs. */
export async function readHead(dir: string, tracking: string | null, local: string): Promise<HeadFacts> {
  const fmt = '--format=%(refname)%00%(objectname)%00%(*objectname)%00%(committerdate:unix)%00%(*committerdate:unix)';
  let ref = tracking ?? 'HEAD';
  let r = tracking
    ? await runGit(dir, ['for-each-ref', `--merged=${tracking}`, fmt, 'refs/tags/', tracking, local])
    : null;
  if (!r || r.code !== 0) {
    // No tracking ref (never fetched, or no remote): the release is cut from HEAD.
    ref = 'HEAD';
    r = await runGit(dir, ['for-each-ref', '--merged=HEAD', fmt, 'refs/tags/']);
    if (r.code !== 0) throw failed(dir, ['for-each-ref', '--merged=HEAD'], r.stderr);
  }
  const tags: TagRef[] = [];
  const branch = new Map<string, string>();
  for (const line of r.stdout.toString('utf8').split('\n')) {
    if (!line) continue;
    const [name = '', obj = '', peeled = '', time = '', peeledTime = ''] = line.split('\0');
    if (name.startsWith('refs/tags/'))
      tags.push({ name: name.slice(10), commit: peeled || obj, time: Number(peeledTime || time) });
    else branch.set(name, obj);
  }
  tags.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let unpushed = 0;
  // A local branch merged into the tracking ref is listed (in step or behind: nothing unpushed);
  // one that is not listed either does not exist or has commits the remote lacks: count them.
  if (ref === tracking && !branch.has(local)) {
    const c = await runGit(dir, ['rev-list', '--count', `${tracking}..${local}`]);
    unpushed = c.code === 0 ? Number(c.stdout.toString('utf8').trim()) || 0 : 0;
  }
  return { ref, tags, unpushed };
}

/** The tags whose name starts with `prefix` (tags sorted by name: a binary search, not a scan). */
export function tagsWithPrefix(tags: readonly TagRef[], prefix: string): TagRef[] {
  let lo = 0;
  let hi = tags.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tags[mid]!.name < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: TagRef[] = [];
  for (let i = lo; i < tags.length && tags[i]!.name.startsWith(prefix); i++) out.push(tags[i]!);
  return out;
}

interface Walked {
  sha: string;
  parents: string[];
  message: string;
  /** Changed files, one list per parent diffed (a merge: one per parent; a root commit: one). */
  files: string[][];
}

const RS = '\x1e';
const FS = '\x1f';

/**
 * One `git log` from `ref`, excluding `base` and its ancestors (all history when base is null).
 * Merges are diffed against each parent (`--diff-merges=separate`): a path-limited log shows a merge
 * when the path differs from every parent, and that is what the per-parent lists tell.
 */
export async function walk(dir: string, ref: string, base: string | null, names: boolean): Promise<Walked[]> {
  const args = [
    'log',
    `--format=${RS}%H %P${FS}%B${FS}`,
    ...(names ? ['--name-only', '--diff-merges=separate'] : []),
    ref,
  ];
  if (base) args.push(`^${base}`);
  const text = (await gitOk(dir, [...args, '--'])).toString('utf8');
  const out: Walked[] = [];
  let at = text.indexOf(RS);
  while (at !== -1) {
    const next = text.indexOf(RS, at + 1);
    const rec = text.slice(at + 1, next === -1 ? text.length : next);
    at = next;
    const f1 = rec.indexOf(FS);
    const f2 = rec.lastIndexOf(FS);
    const [sha = '', ...parents] = rec.slice(0, f1).split(' ');
    const files = names
      ? rec
          .slice(f2 + 1)
          .split('\n')
          .filter(Boolean)
      : [];
    const prev = out[out.length - 1];
    // A merge comes once per parent, one after the other: its diffs against each.
    if (prev?.sha === sha) prev.files.push(files);
    else out.push({ sha, parents: parents.filter(Boolean), message: rec.slice(f1 + 1, f2).trim(), files: [files] });
  }
  return out;
}

/** Files at `ref` by path, through one `git cat-file --batch` (null for a missing one). */
export async function readFiles(
  dir: string,
  ref: string,
  paths: readonly string[],
): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (!paths.length) return out;
  const buf = await gitOk(dir, ['cat-file', '--batch'], paths.map((p) => `${ref}:${p}\n`).join(''));
  let at = 0;
  for (const p of paths) {
    const eol = buf.indexOf(10, at);
    const header = buf.subarray(at, eol).toString('utf8');
    at = eol + 1;
    const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!m) {
      out.set(p, null);
      continue;
    }
    const size = Number(m[2]);
    out.set(p, m[1] === 'blob' ? buf.subarray(at, at + size).toString('utf8') : null);
    at += size + 1;
  }
  return out;
}

export interface PackageFacts {
  lastTag: { tag: string; version: string } | null;
  /** Commits since the last tag that touch the package (all of them for a package at the repo root), oldest first. */
  commits: GitCommit[];
  /** Read only when `needManifest` says the decision needs it; else null. */
  manifestVersion: string | null;
}

export interface RepoFacts {
  head: HeadFacts;
  packages: Map<string, PackageFacts>;
}

/** Directories of a path, deepest first: `a/b/c.js` → `a/b`, `a`. */
function* dirsOf(file: string): Generator<string> {
  for (let i = file.lastIndexOf('/'); i > 0; i = file.lastIndexOf('/', i - 1)) yield file.slice(0, i);
}

/**
 * Everything planning reads from one repo. `pkgs` are the repo's packages; `needManifest` says
 * which manifests a decision needs (by default: packages with no release tag yet).
 */
export async function readRepoFacts(
  dir: string,
  pkgs: readonly ReleasePackage[],
  opts: {
    /** The remote-tracking branch to release from; null (no remote) for HEAD. */
    tracking: string | null;
    local: string;
    /** The pure decision: which of the merged tags is this package's last release (versions/ owns it). */
    lastTagOf: (pkg: ReleasePackage, tags: readonly string[]) => { tag: string; version: string } | null;
    needManifest?: (pkg: ReleasePackage, lastTag: PackageFacts['lastTag']) => boolean;
  },
): Promise<RepoFacts> {
  const head = await readHead(dir, opts.tracking, opts.local);
  const commitOf = new Map(head.tags.map((t) => [t.name, t]));
  const last = new Map<string, { tag: string; version: string } | null>();
  const tagNames = head.tags.map((t) => t.name);
  for (const p of pkgs) last.set(p.name, opts.lastTagOf(p, tagNames));
  // The walk stops at the oldest last release (by commit time); a package never tagged needs all history.
  const bases = pkgs.map((p) => last.get(p.name) ?? null).map((t) => (t ? commitOf.get(t.tag)! : null));
  const base = bases.includes(null)
    ? null
    : (bases.reduce((a, b) => (b!.time < a!.time ? b : a), bases[0] ?? null)?.commit ?? null);
  const names = pkgs.some((p) => p.path !== '.');
  const walked = pkgs.length ? await walk(dir, head.ref, base, names) : [];
  const commits = await rangesByPackage(dir, head.ref, pkgs, walked, base, names, (p) => {
    const t = last.get(p.name);
    return t ? commitOf.get(t.tag)!.commit : null;
  });
  const need = opts.needManifest ?? ((_p, t) => t === null);
  const wanted = pkgs.filter((p) => need(p, last.get(p.name) ?? null));
  const files = await readFiles(dir, head.ref, [...new Set(wanted.map((p) => manifestFile(p)))]);
  const packages = new Map<string, PackageFacts>();
  for (const p of pkgs) {
    const file = manifestFile(p);
    const text = wanted.includes(p) ? (files.get(file) ?? null) : null;
    const manifestVersion =
      text === null
        ? null
        : p.ecosystem === 'python'
          ? readPyproject(text, file).version
          : readPackageJson(text, file).version;
    packages.set(p.name, { lastTag: last.get(p.name) ?? null, commits: commits.get(p.name)!, manifestVersion });
  }
  return { head, packages };
}

/**
 * Each package's commits since its own last tag, from one walk down to `base`: a commit counts for
 * a package when it touches the package's path and is not an ancestor of the package's tag. A tag
 * the walk cannot place (it is not above `base`, so its range reaches below the walk) gets its own
 * walk: one log per distinct base, usually one per repo.
 */
async function rangesByPackage(
  dir: string,
  ref: string,
  pkgs: readonly ReleasePackage[],
  walked: Walked[],
  base: string | null,
  names: boolean,
  tagCommit: (p: ReleasePackage) => string | null,
): Promise<Map<string, GitCommit[]>> {
  const out = new Map<string, GitCommit[]>();
  const byTag = new Map<string | null, ReleasePackage[]>();
  for (const p of pkgs) {
    const t = tagCommit(p);
    byTag.set(t, [...(byTag.get(t) ?? []), p]);
  }
  // Which commits touch which package, computed once per walk: each file's directories looked up
  // (a path trie in effect), so the cost is files × depth, not files × packages.
  const touching = (list: Walked[]): Map<string, number[]> => {
    const byDir = new Map<string, string[]>();
    const roots: string[] = [];
    for (const p of pkgs) {
      if (p.path === '.' || p.path === './') roots.push(p.name);
      else {
        const d = p.path.replace(/^\.\//, '').replace(/\/+$/, '');
        byDir.set(d, [...(byDir.get(d) ?? []), p.name]);
      }
    }
    const hits = new Map<string, number[]>(pkgs.map((p) => [p.name, []]));
    // Walk order is newest first; ranges are reported oldest first.
    for (let i = list.length - 1; i >= 0; i--) {
      for (const n of roots) hits.get(n)!.push(i);
      if (!byDir.size) continue;
      const c = list[i]!;
      // A package is touched when some file under it differs from every parent's version.
      let touched = null as Set<string> | null;
      if (c.files.length >= Math.max(1, c.parents.length))
        for (const diff of c.files) {
          const seen = new Set<string>();
          for (const f of diff) for (const d of dirsOf(f)) for (const n of byDir.get(d) ?? []) seen.add(n);
          touched = touched === null ? seen : new Set([...touched].filter((n: string) => seen.has(n)));
        }
      for (const n of touched ?? []) hits.get(n)!.push(i);
    }
    return hits;
  };
  const assign = (
    list: Walked[],
    hits: Map<string, number[]>,
    group: readonly ReleasePackage[],
    excluded: Uint8Array | null,
  ): void => {
    for (const p of group)
      out.set(
        p.name,
        hits
          .get(p.name)!
          .filter((i) => !excluded?.[i])
          .map((i) => ({ sha: list[i]!.sha, message: list[i]!.message })),
      );
  };
  const hits = touching(walked);
  const index = new Map(walked.map((c, i) => [c.sha, i]));
  for (const [tag, group] of byTag) {
    if (tag === base) {
      assign(walked, hits, group, null);
      continue;
    }
    // Mark the tag's ancestors inside the walk; its range is complete only if they reach `base`
    // (or the walk is the whole history).
    const excluded = new Uint8Array(walked.length);
    let reachesBase = base === null;
    const start = index.get(tag!);
    const stack = start === undefined ? [] : [start];
    while (stack.length) {
      const i = stack.pop()!;
      if (excluded[i]) continue;
      excluded[i] = 1;
      for (const par of walked[i]!.parents) {
        const j = index.get(par);
        if (j !== undefined) stack.push(j);
        else if (par === base) reachesBase = true;
      }
    }
    if (start !== undefined && reachesBase) assign(walked, hits, group, excluded);
    else {
      const own = await walk(dir, ref, tag, names);
      assign(own, touching(own), group, null);
    }
  }
  return out;
}

/**
 * Git whose `git tag --list …` reads are made once per repo and arguments for the scan's lifetime:
 * every package of a monorepo asks for the same merged and all-tags lists, and 1000 packages must
 * not mean 2000 identical processes. Everything else goes straight to `inner`.
 */
export class TagCachingGit extends Git {
  private readonly memo = new Map<string, Promise<ExecResult>>();
  constructor(private readonly inner: Git) {
    super(() => Promise.reject(new Error('TagCachingGit runs through its inner Git')));
  }
  override run(cwd: string, args: readonly string[], reject = true): Promise<ExecResult> {
    if (args[0] !== 'tag' || args[1] !== '--list') return this.inner.run(cwd, args, reject);
    const key = `${reject}\0${cwd}\0${args.join('\0')}`;
    let hit = this.memo.get(key);
    if (!hit) {
      hit = this.inner.run(cwd, args, reject);
      this.memo.set(key, hit);
    }
    return hit;
  }
}
