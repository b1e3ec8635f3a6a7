// Self-healing of the worktrees ferry creates for a run. A kill -9 inside `git worktree add` leaves a
// registered, locked ("initializing"), half-checked-out worktree: resume then failed forever
// (WORKTREE_DIRTY, "Preparing worktree") and the user's own git commands tripped over it. A worktree
// under `<home>/worktrees/<run_id>/` is ferry's own, so a retry removes it and its stale git locks and
// builds it again from the recorded base. The user's work tree, index and stash are never touched.
import { existsSync, statSync, unlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Git } from '../adapters/git/git.js';
import { removeHalfMadeWorktrees, worktreeAdminDir } from '../adapters/git/worktree-admin.js';
import { gitCommonDir } from './workspace-lock.js';

/** Whether `path` is one of the worktrees ferry made for run `runId` (never the user's own tree). */
export function ownedByRun(home: string, runId: string, path: string): boolean {
  const root = resolve(home, 'worktrees', runId) + sep;
  const p = resolve(path);
  // The squash-merge worktrees of the git forge live in the temp dir as ferry-merge-*.
  return p.startsWith(root) || (resolve(p, '..') === resolve(tmpdir()) && basename(p).startsWith('ferry-merge-'));
}

/**
 * git lock files a killed git left behind in this repo's admin dir for `worktreeName`: a live git holds
 * such a lock for milliseconds, so one still there (same mtime) a second later is stale.
 */
async function clearStaleLocks(repoDir: string, worktreePath: string | null): Promise<void> {
  const common = gitCommonDir(repoDir);
  const candidates = [join(common, 'packed-refs.lock'), join(common, 'config.lock'), join(common, 'shallow.lock')];
  // The worktree's id is its basename only when no other entry had that name (else `alpha1`, `alpha2`…).
  const admin = worktreePath
    ? (worktreeAdminDir(common, resolve(worktreePath)) ?? join(common, 'worktrees', basename(worktreePath)))
    : null;
  if (admin) candidates.push(join(admin, 'index.lock'), join(admin, 'HEAD.lock'), join(admin, 'ORIG_HEAD.lock'));
  const present = candidates.filter((p) => existsSync(p)).map((p) => ({ p, m: statSync(p).mtimeMs }));
  if (!present.length) return;
  await sleep(1_000);
  for (const { p, m } of present) {
    try {
      if (statSync(p).mtimeMs === m) unlinkSync(p);
    } catch {
      /* gone: its git finished */
    }
  }
}

/** Remove a worktree of this run whatever state a kill left it in (locked, half-made, dirty). */
export async function discardRunWorktree(git: Git, repoDir: string, path: string): Promise<void> {
  // First the entries a killed `git worktree add` left half-written (any id): while one is there,
  // `git worktree unlock|remove` and every fetch die on it, and prune keeps it (it is locked).
  await removeHalfMadeWorktrees(gitCommonDir(repoDir));
  // Locks before the removal: the entry (and so the id the locks live under) is gone after it.
  await clearStaleLocks(repoDir, path);
  await git.run(repoDir, ['worktree', 'unlock', path], false);
  await git.run(repoDir, ['worktree', 'remove', '--force', '--force', path], false);
  await rm(path, { recursive: true, force: true });
  await git.run(repoDir, ['worktree', 'prune'], false);
  await clearStaleLocks(repoDir, null);
}

/** A retry of a step that works in this run's worktree: clear the git locks a killed git left there. */
export async function healRunWorktree(repoDir: string, path: string): Promise<void> {
  await clearStaleLocks(repoDir, path);
}

/** At the end of a run: every worktree of this run still registered in `repoDir` (a kill left it) goes. */
export async function removeLeftoverWorktrees(git: Git, repoDir: string, home: string, runId: string): Promise<void> {
  await removeHalfMadeWorktrees(gitCommonDir(repoDir));
  for (const w of await git.worktrees(repoDir)) {
    if (ownedByRun(home, runId, w.path)) await discardRunWorktree(git, repoDir, w.path);
  }
  await git.run(repoDir, ['worktree', 'prune'], false);
}
