// A kill -9 inside `git worktree add` (crash matrix, CI seed 20790: `alpha/WORKTREE|git worktree add|start`,
// then every resume died at `git fetch … exited 1`). git writes the worktree's entry file by file —
// `locked` ("initializing"), `gitdir`, `HEAD` of zeros, `commondir`, then the real HEAD — and a kill
// between them leaves an entry that makes every fetch die ("failed to read …/commondir", "bad object
// worktrees/<id>/HEAD"), that `git worktree unlock|remove` die on too, and that `git worktree prune`
// keeps forever (it is locked). Built here with real git: each instant's state exactly, then real kills
// at spread instants in a loop. ferry's fetch and its worktree heal must always recover.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { Git } from '../src/adapters/git/git.js';
import { halfMadeWorktrees } from '../src/adapters/git/worktree-admin.js';
import { discardRunWorktree } from '../src/release/worktree-heal.js';
import { exec } from '../src/util/process.js';

const root = mkdtempSync(join(tmpdir(), 'ferry-wt-killed-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const env = { LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' };
const g = (cwd: string, ...args: string[]) =>
  execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, env });
const git = async (cwd: string) => new Git(exec).worktrees(cwd);
const plainFetch = (cwd: string) =>
  execa('git', ['fetch', '--quiet', '--tags', '--prune', 'origin'], { cwd, env, reject: false });

let n = 0;
/** A clone whose origin is one commit ahead (so a fetch has objects to check), and a path for ferry's worktree. */
async function repo(): Promise<{ clone: string; wt: string; admin: (id?: string) => string }> {
  const dir = join(root, `r${n++}`);
  const bare = join(dir, 'remote.git');
  await execa('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  const a = join(dir, 'a');
  await execa('git', ['clone', '-q', bare, a]);
  for (let i = 0; i < 30; i++) writeFileSync(join(a, `f${i}.txt`), `${i}\n`);
  await g(a, 'add', '-A');
  await g(a, 'commit', '-qm', 'one');
  await g(a, 'push', '-q', 'origin', 'HEAD:main');
  const clone = join(dir, 'clone');
  await execa('git', ['clone', '-q', bare, clone]);
  writeFileSync(join(a, 'f0.txt'), 'two\n');
  await g(a, 'commit', '-qam', 'two');
  await g(a, 'push', '-q', 'origin', 'HEAD:main');
  const wt = join(dir, 'home', 'worktrees', 'release-20260301-c4a5h0', 'alpha');
  mkdirSync(join(wt, '..'), { recursive: true });
  return { clone, wt, admin: (id = 'alpha') => join(clone, '.git', 'worktrees', id) };
}

/** The entry as git has written it when a kill stops it after `upTo` (files written in git's order; the last one empty = killed mid-write). */
function halfWritten(clone: string, id: string, wt: string, upTo: 'locked' | 'gitdir' | 'HEAD' | 'commondir'): void {
  const admin = join(clone, '.git', 'worktrees', id);
  mkdirSync(admin, { recursive: true });
  mkdirSync(wt, { recursive: true });
  const files: Array<[string, string]> = [
    ['locked', 'initializing\n'],
    ['gitdir', `${wt}/.git\n`],
    ['HEAD', `${'0'.repeat(40)}\n`],
    ['commondir', '../..\n'],
  ];
  for (const [name, text] of files) {
    writeFileSync(join(admin, name), name === upTo && name !== 'locked' && name !== 'HEAD' ? '' : text);
    if (name === upTo) return;
    if (name === 'gitdir') writeFileSync(join(wt, '.git'), `gitdir: ${admin}\n`);
  }
}

describe('a killed `git worktree add` never breaks fetch or the worktree heal', () => {
  it('the entry a kill leaves while git writes commondir makes plain git fetch fail; ferry fetches and re-adds', async () => {
    const r = await repo();
    halfWritten(r.clone, 'alpha', r.wt, 'commondir');
    const plain = await plainFetch(r.clone);
    expect(plain.exitCode).not.toBe(0);
    expect(plain.stderr).toContain('worktrees/alpha/commondir');
    // git cannot remove it with its own commands: unlock dies on it, prune keeps it.
    expect((await g(r.clone, 'worktree', 'unlock', r.wt).catch((e: { exitCode: number }) => e)).exitCode).not.toBe(0);
    await g(r.clone, 'worktree', 'prune');
    expect(existsSync(r.admin())).toBe(true);

    const git = new Git(exec);
    await git.fetch(r.clone, 'origin');
    expect(existsSync(r.admin())).toBe(false);
    expect((await g(r.clone, 'rev-parse', 'origin/main')).stdout).toBe(
      (await g(r.clone, 'ls-remote', 'origin', 'refs/heads/main')).stdout.split('\t')[0],
    );
  });

  it.each(['locked', 'gitdir', 'HEAD', 'commondir'] as const)(
    'killed after writing %s: the WORKTREE retry (discard) leaves a repo where fetch and worktree add work',
    async (upTo) => {
      const r = await repo();
      // A leftover that took the id `alpha` first, so the killed add wrote `alpha1` (as in the CI run).
      halfWritten(r.clone, 'alpha', join(r.wt, '..', 'other'), 'locked');
      halfWritten(r.clone, 'alpha1', r.wt, upTo);
      const git = new Git(exec);
      await discardRunWorktree(git, r.clone, r.wt);
      expect(halfMadeWorktrees(join(r.clone, '.git'))).toEqual([]);
      expect((await plainFetch(r.clone)).exitCode).toBe(0);
      await git.fetch(r.clone, 'origin');
      const add = await git.addWorktree(r.clone, r.wt, 'release/x/alpha', 'refs/remotes/origin/main');
      expect(add.exitCode, add.stderr).toBe(0);
      expect(readFileSync(join(r.wt, 'f0.txt'), 'utf8')).toBe('two\n');
      // And the entry is `alpha` again: nothing of the killed adds is left to take ids.
      expect((await git.worktrees(r.clone)).map((w) => w.path)).toEqual([r.clone, r.wt]);
    },
  );

  it('a stale `refs/heads/<branch>.lock` from a `git branch` killed inside `worktree add -b` is cleared', async () => {
    const r = await repo();
    mkdirSync(join(r.clone, '.git', 'refs', 'heads', 'release', 'x'), { recursive: true });
    writeFileSync(join(r.clone, '.git', 'refs', 'heads', 'release', 'x', 'alpha.lock'), '');
    const add = await new Git(exec).addWorktree(r.clone, r.wt, 'release/x/alpha', 'refs/remotes/origin/main');
    expect(add.exitCode, add.stderr).toBe(0);
  });

  it('a user’s own locked worktree and an add still running are never removed', async () => {
    const r = await repo();
    const mine = join(r.wt, '..', 'mine');
    await g(r.clone, 'worktree', 'add', '-q', '--detach', mine, 'HEAD');
    await g(r.clone, 'worktree', 'lock', '--reason', 'on a USB disk', mine);
    halfWritten(r.clone, 'live', join(r.wt, '..', 'live'), 'HEAD');
    // "live" is still being written (its add is checking out): a fetch meanwhile must leave it alone.
    const writer = setInterval(() => writeFileSync(join(r.admin('live'), 'HEAD'), `${'0'.repeat(40)}\n`), 50);
    try {
      await new Git(exec).clearKilledGitLeftovers(r.clone, { stderr: '', stdout: '' } as never);
    } finally {
      clearInterval(writer);
    }
    expect(existsSync(r.admin('live'))).toBe(true);
    expect(readFileSync(join(r.admin('mine'), 'locked'), 'utf8')).toBe('on a USB disk\n');
    expect((await git(r.clone)).map((w) => w.path)).toContain(mine);
  });

  it('real kills at spread instants of `git worktree add`, each followed by the WORKTREE retry, always recover', async () => {
    const r = await repo();
    const git = new Git(exec);
    const states = new Set<string>();
    for (let i = 0; i < 16; i++) {
      const branch = (await git.branchExists(r.clone, 'release/x/alpha')) ? null : 'release/x/alpha';
      const args = branch
        ? ['worktree', 'add', '-b', branch, r.wt, 'origin/main']
        : ['worktree', 'add', r.wt, 'release/x/alpha'];
      const p = execa('git', args, { cwd: r.clone, env, detached: true, reject: false });
      await sleep(i % 8);
      try {
        process.kill(-p.pid!, 'SIGKILL');
      } catch {
        /* it had finished */
      }
      await p;
      states.add(
        halfMadeWorktrees(join(r.clone, '.git'))
          .map((w) => w.reason)
          .join(',') || 'none half-made',
      );
      await discardRunWorktree(git, r.clone, r.wt);
      const f = await plainFetch(r.clone);
      expect(f.exitCode, `kill ${i}: ${f.stderr}`).toBe(0);
    }
    // As the WORKTREE step does: the branch when an earlier add got as far as making it, else `-b` (every
    // kill may have landed before git created the branch).
    const add = (await git.branchExists(r.clone, 'release/x/alpha'))
      ? await git.addWorktreeExisting(r.clone, r.wt, 'release/x/alpha')
      : await git.addWorktree(r.clone, r.wt, 'release/x/alpha', 'origin/main');
    expect(add.exitCode, add.stderr).toBe(0);
    process.stdout.write(`states a kill left: ${[...states].join(' | ')}\n`);
  }, 120_000);
});
