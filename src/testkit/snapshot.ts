// A deterministic picture of a set of repos: refs, HEAD, index, worktrees, every working-tree file
// (tracked, untracked and ignored) and the bare remote's refs. Two snapshots are equal iff nothing
// a release could touch changed — the check behind "--dry-run changes nothing".

import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { git } from './git.js';

export interface RepoSnapshot {
  /** sha256 over `lines`. */
  digest: string;
  /** One fact per line, sorted within each repo; compare these to see what differs. */
  lines: string[];
}

const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

function treeLines(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (dir === root && name === '.git') continue;
      const p = join(dir, name);
      const st = lstatSync(p);
      const rel = relative(root, p);
      if (st.isSymbolicLink()) out.push(`link ${rel} -> ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.push(`dir ${rel}`);
        walk(p);
      } else out.push(`file ${rel} ${(st.mode & 0o111) !== 0 ? 'x' : '-'} ${sha(readFileSync(p))}`);
    }
  };
  walk(root);
  return out;
}

export interface SnapshotTarget {
  name: string;
  dir: string;
  remote?: string;
}

/** Snapshot the given repos (and their bare remotes). Order of `targets` does not matter. */
export async function snapshotRepos(targets: readonly SnapshotTarget[]): Promise<RepoSnapshot> {
  const sorted = [...targets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const parts = await Promise.all(
    sorted.map(async (t) => {
      const [refs, index, worktrees, remoteRefs] = await Promise.all([
        git(t.dir, ['for-each-ref', '--format=%(refname) %(objectname)']),
        git(t.dir, ['ls-files', '--stage']),
        git(t.dir, ['worktree', 'list', '--porcelain']),
        t.remote ? git(t.remote, ['for-each-ref', '--format=%(refname) %(objectname)']) : Promise.resolve(''),
      ]);
      const head = readFileSync(join(t.dir, '.git', 'HEAD'), 'utf8').trim();
      const lines = [
        `HEAD ${head}`,
        ...refs
          .split('\n')
          .filter(Boolean)
          .map((l) => `ref ${l}`),
        `index ${sha(index)}`,
        // Worktree paths are absolute; keep them (a stray worktree is a change) but relative to the repo.
        ...worktrees
          .split('\n')
          .filter(Boolean)
          .map((l) => `worktree ${l.replace(t.dir, '<repo>')}`),
        ...treeLines(t.dir),
        ...remoteRefs
          .split('\n')
          .filter(Boolean)
          .map((l) => `remote ${l}`),
      ];
      return lines.map((l) => `${t.name}\t${l}`);
    }),
  );
  const lines = parts.flat();
  return { digest: sha(lines.join('\n')), lines };
}
