// The git IO half of planning, read once per repo: the tags, one history walk, and the files a
// decision needs through one `git cat-file --batch` session. Cost grows with commits, not
// packages × commits: a 1000-package monorepo is one `git log`, not a thousand path-limited ones.
//
//   1. `git for-each-ref refs/tags/` (with `--merged=<head>` for the release line): every tag once.
//   2. `git log --name-only` from the head down to the oldest base (one walk; parents let each
//      package's own range, from its own base, be derived in memory).
//   3. `git cat-file --batch` (one process kept open): manifests, version files, and the manifest
//      at a few commits when the version truth needs the commit that set the version.
// Which tag is a package's last release and what its version is stay the pure functions' call
// (versions/ owns them); ./scan-repo.ts puts the two together.

import { spawn } from 'node:child_process';
import { ErrorCode, FerryError } from '../errors.js';
import { formatCommand } from '../util/process.js';
import type { GitCommit } from '../adapters/git/git.js';
import type { ReleasePackage } from './types.js';

const GIT_ENV = { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };

interface GitOut {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * Plain child_process for hot-path reads (no per-call wrapper cost).
 * Exits non-zero come back as code, not thrown: callers decide what a failure means.
 */
export function runGit(cwd: string, args: readonly string[]): Promise<GitOut> {
  return new Promise((resolve, reject) => {
    const p = spawn('git', args, { cwd, env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', (e) => reject(failed(cwd, args, e.message)));
    p.on('close', (code) =>
      resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

function failed(cwd: string, args: readonly string[], why: string): FerryError {
  return new FerryError(ErrorCode.COMMAND_FAILED, `${formatCommand('git', args)} failed in ${cwd}: ${why.trim()}`, {
    fix: `git -C ${cwd} ${args.slice(0, 2).join(' ')}   # check the repo is a valid clone`,
  });
}

export async function gitOk(cwd: string, args: readonly string[]): Promise<Buffer> {
  const r = await runGit(cwd, args);
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

export interface RepoRefs {
  /** Every tag (or, with `merged`, those merged into it), sorted by name as `git tag --list` sorts them. */
  tags: TagRef[];
  /** Commit of each of the requested branch refs that exists (full ref name → sha). */
  branches: Map<string, string>;
}

/**
 * One for-each-ref: the tags and the branch refs the release is cut from (`refs/remotes/<remote>/<branch>`,
 * `refs/heads/<branch>`). With `merged`, only the tags merged into that ref (the fallback when the
 * walk cannot tell which tags are reachable).
 */
export async function readRefs(dir: string, branches: readonly string[], merged?: string): Promise<RepoRefs> {
  const fmt = '--format=%(refname)%00%(objectname)%00%(*objectname)%00%(committerdate:unix)%00%(*committerdate:unix)';
  const args = ['for-each-ref', ...(merged ? [`--merged=${merged}`] : []), fmt, 'refs/tags/', ...branches];
  const tags: TagRef[] = [];
  const refs = new Map<string, string>();
  for (const line of (await gitOk(dir, args)).toString('utf8').split('\n')) {
    if (!line) continue;
    const [name = '', obj = '', peeled = '', time = '', peeledTime = ''] = line.split('\0');
    if (name.startsWith('refs/tags/'))
      tags.push({ name: name.slice(10), commit: peeled || obj, time: Number(peeledTime || time) });
    else if (branches.includes(name)) refs.set(name, obj);
  }
  // for-each-ref sorts by full refname: refs/tags/ first only by luck of the alphabet; sort to be sure.
  tags.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { tags, branches: refs };
}

/** Indices of the names (sorted) that start with `prefix`: a binary search, not a scan. */
export function prefixRange(sorted: readonly string[], prefix: string): [number, number] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < sorted.length && sorted[end]!.startsWith(prefix)) end++;
  return [lo, end];
}

export interface Walked {
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

/** Directories of a path, deepest first: `a/b/c.js` → `a/b`, `a`. */
function* dirsOf(file: string): Generator<string> {
  for (let i = file.lastIndexOf('/'); i > 0; i = file.lastIndexOf('/', i - 1)) yield file.slice(0, i);
}

/**
 * Each package's commits since its own base commit (its last tag, or the commit that set its
 * manifest version; null = all history), oldest first, from one walk down to `base`: a commit
 * counts for a package when it touches the package's path and is not an ancestor of the package's
 * base. A base the walk cannot place (its range reaches below the walk) gets its own walk: one
 * log per distinct base, usually one per repo.
 */
export async function rangesByPackage(
  dir: string,
  ref: string,
  pkgs: readonly Pick<ReleasePackage, 'name' | 'path'>[],
  walked: Walked[],
  base: string | null,
  names: boolean,
  baseOf: (name: string) => string | null,
): Promise<Map<string, GitCommit[]>> {
  const out = new Map<string, GitCommit[]>();
  const byBase = new Map<string | null, Pick<ReleasePackage, 'name' | 'path'>[]>();
  for (const p of pkgs) {
    const t = baseOf(p.name);
    byBase.set(t, [...(byBase.get(t) ?? []), p]);
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
    group: readonly Pick<ReleasePackage, 'name'>[],
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
  for (const [own, group] of byBase) {
    if (own === base) {
      assign(walked, hits, group, null);
      continue;
    }
    // Mark the base's ancestors inside the walk; its range is complete only if they reach the
    // walk's base (or the walk is the whole history).
    const excluded = new Uint8Array(walked.length);
    let reachesBase = base === null;
    const start = own === null ? undefined : index.get(own);
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
      const list = await walk(dir, ref, own, names);
      assign(list, touching(list), group, null);
    }
  }
  return out;
}
