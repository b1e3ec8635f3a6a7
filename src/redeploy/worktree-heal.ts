// WORKTREE after a kill -9 inside `git worktree add`: git registers the worktree, marks it
// `locked initializing`, then checks it out and unlocks it. Killed in between, the directory exists
// on the right branch but holds part of the tree (or none), and "reuse the existing worktree" would
// hand PIN_UPDATE and DEPLOY a tree without its Dockerfile on every resume. Such a worktree never held
// anyone's work (git was still making it), so it is removed and made again; a complete one is reused.
import { rm } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import type { StepContext } from '../engine/types.js';
import type { RedeployData } from './types.js';

type Ctx = StepContext<RedeployData>;

const real = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/** Why the worktree at `path` is half-made (git never finished creating it), or null when it is whole. */
export async function halfMade(ctx: Ctx, repo: string, path: string): Promise<string | null> {
  const list = await ctx.exec('git', ['-C', repo, 'worktree', 'list', '--porcelain'], { reject: false });
  if (list.exitCode !== 0) return null;
  const block = list.stdout
    .split(/\n\n/)
    .find((b) => b.split('\n').some((l) => l.startsWith('worktree ') && real(l.slice(9)) === real(path)));
  if (!block) return null;
  if (/^locked initializing$/m.test(block)) return 'git was killed while creating it (locked initializing)';
  const head = await ctx.exec('git', ['-C', path, 'rev-parse', '--verify', '--quiet', 'HEAD'], { reject: false });
  if (head.exitCode !== 0) return 'its HEAD does not resolve';
  return null;
}

/** Remove a half-made worktree of this run: unlock, remove (forced twice: it is locked), prune. */
export async function discardHalfMade(ctx: Ctx, repo: string, path: string): Promise<void> {
  await ctx.exec('git', ['-C', repo, 'worktree', 'unlock', path], { reject: false });
  await ctx.exec('git', ['-C', repo, 'worktree', 'remove', '--force', '--force', path], { reject: false });
  await rm(path, { recursive: true, force: true });
  await ctx.exec('git', ['-C', repo, 'worktree', 'prune'], { reject: false });
}
