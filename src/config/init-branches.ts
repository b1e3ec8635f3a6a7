// `ferry init`: the branch each repo releases from. The remote's default branch (`origin/HEAD`, what
// `git clone` checks out) when the clone knows it; else the first of main, master, dev, develop that
// exists on the remote (then locally). Written to ferry.yaml only where it is not the default `main`.

import type { Git } from '../adapters/git/git.js';

/** The conventional release branch names, in the order they are tried. */
export const COMMON_BRANCHES = ['main', 'master', 'dev', 'develop'] as const;

/** The branch `repoDir` releases from, or null when it has none of them (an empty repo). */
export async function defaultBranch(git: Git, repoDir: string, remote = 'origin'): Promise<string | null> {
  const head = await git.run(repoDir, ['symbolic-ref', '--quiet', `refs/remotes/${remote}/HEAD`], false);
  const fromHead = head.exitCode === 0 ? head.stdout.trim().replace(`refs/remotes/${remote}/`, '') : '';
  if (fromHead) return fromHead;
  const refs = COMMON_BRANCHES.flatMap((b) => [`refs/remotes/${remote}/${b}`, `refs/heads/${b}`]);
  const shas = await git.refShas(repoDir, refs);
  for (const prefix of [`refs/remotes/${remote}/`, 'refs/heads/'])
    for (const b of COMMON_BRANCHES) if (shas.has(`${prefix}${b}`)) return b;
  return null;
}

/** Repo (as in ferry.yaml) → its release branch, for the repos whose branch is not `fallback`. */
export async function repoBranches(
  git: Git,
  repos: ReadonlyMap<string, string>,
  fallback = 'main',
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [repo, dir] of repos) {
    const b = await defaultBranch(git, dir);
    if (b && b !== fallback) out.set(repo, b);
  }
  return out;
}
