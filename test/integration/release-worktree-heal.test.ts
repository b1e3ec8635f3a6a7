// A kill inside `git worktree add` (issue 14, point 1) left a registered, locked, half-checked-out
// worktree, and every resume failed (WORKTREE_DIRTY). Reproduced exactly: the crash wrapper kills ferry
// right after `git worktree add` in the WORKTREE step, then the worktree is put in the state a kill
// mid-checkout leaves (locked "initializing", files missing); the plain resume must heal and finish.
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../fixtures/git.js';
import { ATTEST, judge, spawnFerry, trialWorld, TRIAL_RUN, type TrialWorld } from '../harness/release-trial.js';

let w: TrialWorld | undefined;
afterAll(async () => w?.cleanup());

describe('self-healing worktrees', () => {
  it('a half-created, locked worktree from a killed `git worktree add` is rebuilt by the plain resume', async () => {
    w = await trialWorld();
    const killed = await spawnFerry(w, ['--run-id', TRIAL_RUN, '--gate-attestation', ATTEST], {
      FERRY_CRASH_AT: 'alpha/WORKTREE|git worktree add|end',
    });
    expect(killed.signal ?? killed.exitCode).toMatch(/SIGKILL|137/);
    const wt = join(w.home, 'worktrees', TRIAL_RUN, 'alpha');
    const repo = w.eco.repos.alpha!.dir;
    await git(repo, ['worktree', 'lock', '--reason', 'initializing', wt]);
    rmSync(join(wt, 'pyproject.toml'));
    const resumed = await spawnFerry(w, ['--resume', TRIAL_RUN]);
    expect(resumed.exitCode, String(resumed.all)).toBe(0);
    expect(String(resumed.all)).not.toContain('WORKTREE_DIRTY');
    expect(await judge(w)).toEqual([]);
  });
});
