// A kill -9 inside `git worktree add` can stop it while it writes the worktree's admin files
// (`<git common dir>/worktrees/<id>/`: `locked` "initializing", then `gitdir`, `HEAD` of zeros,
// `commondir`, then the real HEAD). An empty `commondir` or a HEAD still all zeros makes every git that
// walks the worktrees die — `git fetch` ("failed to read …/commondir", "bad object worktrees/<id>/HEAD"),
// `git worktree list|unlock|remove` — and `git worktree prune` keeps the entry forever because it is
// locked. git's own commands cannot repair it, so ferry removes such an entry the way the killed
// `git worktree add` would have on failure (it deletes its "junk" admin dir). Only entries still locked
// "initializing" (git's own marker for an add in progress) and unchanged for a second are touched: a
// user's worktree, or an add that is still running, is never removed.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface HalfMadeWorktree {
  /** The worktree's id: its directory name under `<common>/worktrees/`. */
  id: string;
  adminDir: string;
  /** The worktree path its `gitdir` names, or null when the kill came before git wrote it. */
  path: string | null;
  /** Which file is missing or unreadable. */
  reason: string;
}

function read(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Latest mtime of the entry and its files: an add still running keeps touching them. */
function lastTouched(dir: string): number {
  let m = 0;
  try {
    m = statSync(dir).mtimeMs;
    for (const f of readdirSync(dir)) {
      try {
        m = Math.max(m, statSync(join(dir, f)).mtimeMs);
      } catch {
        /* removed meanwhile */
      }
    }
  } catch {
    /* gone */
  }
  return m;
}

/** The admin entries a killed `git worktree add` left half-written in `commonDir` (read from the files, not git). */
export function halfMadeWorktrees(commonDir: string): HalfMadeWorktree[] {
  const root = join(commonDir, 'worktrees');
  let ids: string[];
  try {
    ids = readdirSync(root);
  } catch {
    return [];
  }
  const found: HalfMadeWorktree[] = [];
  for (const id of ids) {
    const adminDir = join(root, id);
    // Only git's own in-progress marker: `git worktree lock` by a user writes a reason or nothing.
    if (read(join(adminDir, 'locked')) !== 'initializing') continue;
    const gitdir = read(join(adminDir, 'gitdir'));
    const head = read(join(adminDir, 'HEAD'));
    const commondir = read(join(adminDir, 'commondir'));
    const reason = !gitdir
      ? 'no gitdir'
      : !head
        ? 'no HEAD'
        : /^0+$/.test(head)
          ? 'HEAD not written yet'
          : !commondir
            ? 'no commondir'
            : null;
    if (reason) found.push({ id, adminDir, path: gitdir ? gitdir.replace(/\/\.git$/, '') : null, reason });
  }
  return found;
}

/**
 * Removes the half-made admin entries (see {@link halfMadeWorktrees}) that `mayRemove` accepts and that
 * nothing touched for `staleMs`; returns the removed ones. The worktree directory itself is left to the
 * caller (only ferry's own may be deleted).
 */
export async function removeHalfMadeWorktrees(
  commonDir: string,
  mayRemove: (w: HalfMadeWorktree) => boolean = () => true,
  staleMs = 1_000,
): Promise<HalfMadeWorktree[]> {
  const found = halfMadeWorktrees(commonDir).filter(mayRemove);
  if (!found.length) return [];
  const seen = found.map((w) => ({ w, m: lastTouched(w.adminDir) }));
  // A live add writes all of these within milliseconds; wait only when one was touched just now.
  if (seen.some((s) => Date.now() - s.m < staleMs)) await sleep(staleMs);
  const removed: HalfMadeWorktree[] = [];
  for (const { w, m } of seen) {
    if (lastTouched(w.adminDir) !== m) continue;
    rmSync(w.adminDir, { recursive: true, force: true });
    removed.push(w);
  }
  return removed;
}

/** The admin dir git keeps for the worktree at `path` (its id is not always the path's basename). */
export function worktreeAdminDir(commonDir: string, path: string): string | null {
  const root = join(commonDir, 'worktrees');
  try {
    for (const id of readdirSync(root)) {
      const gitdir = read(join(root, id, 'gitdir'));
      if (gitdir && gitdir.replace(/\/\.git$/, '') === path) return join(root, id);
    }
  } catch {
    /* no linked worktrees */
  }
  return null;
}
