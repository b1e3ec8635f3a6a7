// WORKTREE: `.ferry/worktrees/<run_id>/<unit>` on branch `release/<run_id>/<unit>`, cut from the
// remote's main. Reused when it exists on the same branch and is clean; another branch →
// WORKTREE_CONFLICT; uncommitted changes (not ours: nothing of ours exists before BUMP) → WORKTREE_DIRTY.

import { existsSync, realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Git } from '../../adapters/git/git.js';
import { ErrorCode, FerryError } from '../../errors.js';
import type { Step } from '../../engine/types.js';
import { formatCommand } from '../../util/process.js';
import type { ReleaseData } from '../types.js';
import { discardRunWorktree, ownedByRun } from '../worktree-heal.js';
import { baseOf, remoteOf, resumeCommand, unitOf, type ReleaseDeps } from './deps.js';

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

export function worktreeStep(unit: string, deps: ReleaseDeps): Step<ReleaseData> {
  const remote = remoteOf(deps.cfg);
  return {
    id: `${unit}/WORKTREE`,
    title: `${unit}: worktree`,
    group: unit,
    describe: (ctx) => {
      const u = unitOf(ctx, unit);
      return [
        { kind: 'exec', text: formatCommand('git', ['-C', u.repoDir, 'fetch', '--tags', remote]) },
        {
          kind: 'exec',
          text: formatCommand('git', [
            '-C',
            u.repoDir,
            'worktree',
            'add',
            '-b',
            u.branch,
            u.worktree_path,
            `${remote}/${baseOf(u, deps.cfg)}`,
          ]),
        },
      ];
    },
    run: async (ctx) => {
      const u = unitOf(ctx, unit);
      const git = new Git(ctx.exec);
      const fix = `git -C ${u.repoDir} worktree remove ${u.worktree_path}   # then: ${resumeCommand(ctx.runId)}`;
      // A retry after a kill: whatever is at this run's own worktree path is what the killed attempt left
      // (nothing of ours is in it before BUMP). Remove it and build it again from the recorded base.
      if (ctx.attempt > 1 && ownedByRun(deps.home, ctx.runId, u.worktree_path))
        await discardRunWorktree(git, u.repoDir, u.worktree_path);
      const here = (await git.worktrees(u.repoDir)).find((w) => real(w.path) === real(u.worktree_path));
      const elsewhere = (await git.worktrees(u.repoDir)).find(
        (w) => w.branch === u.branch && real(w.path) !== real(u.worktree_path),
      );
      if (here) {
        if (here.branch !== u.branch) {
          throw new FerryError(
            ErrorCode.WORKTREE_CONFLICT,
            `worktree ${u.worktree_path} exists on ${here.branch ?? 'a detached HEAD'}, not ${u.branch}; not touching it`,
            { fix, details: { path: u.worktree_path, branch: here.branch } },
          );
        }
        const dirty = await git.status(u.worktree_path);
        if (dirty.length) {
          throw new FerryError(
            ErrorCode.WORKTREE_DIRTY,
            `worktree ${u.worktree_path} has uncommitted changes: ${dirty.slice(0, 5).join('; ')}`,
            {
              fix: `git -C ${u.worktree_path} stash -u   # or remove the worktree; then: ${resumeCommand(ctx.runId)}`,
              details: { path: u.worktree_path, changes: dirty },
            },
          );
        }
        return { status: 'completed', detail: 'reused', output: { path: u.worktree_path, branch: u.branch } };
      }
      if (elsewhere) {
        throw new FerryError(
          ErrorCode.WORKTREE_CONFLICT,
          `branch ${u.branch} is already checked out in ${elsewhere.path}`,
          { fix: `git -C ${u.repoDir} worktree remove ${elsewhere.path}`, details: { path: elsewhere.path } },
        );
      }
      if (existsSync(u.worktree_path)) {
        throw new FerryError(
          ErrorCode.WORKTREE_CONFLICT,
          `${u.worktree_path} exists and is not a worktree of ${u.repoDir}; not clobbering it`,
          { fix: `rm -r ${u.worktree_path}   # if it is safe; then: ${resumeCommand(ctx.runId)}` },
        );
      }
      await mkdir(dirname(u.worktree_path), { recursive: true });
      const hasRemote = await git.hasRemote(u.repoDir, remote);
      if (hasRemote) await git.fetch(u.repoDir, remote);
      const main = baseOf(u, deps.cfg);
      const start = hasRemote ? `refs/remotes/${remote}/${main}` : main;
      const add = (await git.branchExists(u.repoDir, u.branch))
        ? await git.addWorktreeExisting(u.repoDir, u.worktree_path, u.branch)
        : await git.addWorktree(u.repoDir, u.worktree_path, u.branch, start);
      if (add.exitCode !== 0) {
        throw new FerryError(
          ErrorCode.WORKTREE_CONFLICT,
          `git worktree add ${u.worktree_path} failed: ${add.stderr.trim().split('\n').pop() ?? ''}`,
          { fix },
        );
      }
      return { output: { path: u.worktree_path, branch: u.branch } };
    },
  };
}
