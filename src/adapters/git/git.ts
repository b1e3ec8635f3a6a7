// Git over the exec helper: the read and write operations the release pipeline needs.
// Every method is argv-only; failures come back as FerryError(COMMAND_FAILED) unless the method
// documents a translation (push → PUSH_FAILED, merge conflict → MERGE_FAILED).

import { ErrorCode, FerryError } from '../../errors.js';
import { commandError, type Exec, type ExecResult } from '../../util/process.js';
import { resolve } from 'node:path';
import { lockFilesNamed, removeStaleLocks } from './stale-lock.js';
import { removeHalfMadeWorktrees } from './worktree-admin.js';

export interface GitCommit {
  sha: string;
  /** Full message (subject + body). */
  message: string;
}

export interface WorktreeInfo {
  path: string;
  head: string | null;
  /** Short branch name, null when detached. */
  branch: string | null;
}

/**
 * NOTE: git's words (and curl's and ssh's, which it passes on) for a network that dropped a fetch midway:
 * worth one more try. A refused connection (nothing listening) or a remote that says the repository is
 * not there or not yours answers the same again, even when git adds "the remote end hung up" to it.
 */
const TRANSIENT_FETCH =
  /connection reset|connection timed out|operation timed out|timed out after|temporary failure in name resolution|early eof|unexpected disconnect|the remote end hung up unexpectedly|rpc failed|returned error: 50[234]|ssl_read|gnutls_handshake|tls connection was non-properly terminated/i;
const FINAL_FETCH =
  /not found|does not appear to be a git repository|not exported|access denied|permission denied|authentication failed|returned error: 40[134]/i;

const FS = '\x1f';
const RS = '\x1e';

export class Git {
  constructor(private readonly exec: Exec) {}

  /**
   * Runs git; a command refused because a killed git left its lock (`Unable to create '….lock': File
   * exists` — a ref, packed-refs, a tag, an index) runs once more after that lock is found stale.
   */
  async run(cwd: string, args: readonly string[], reject = true): Promise<ExecResult> {
    const opts = { cwd, env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } };
    const first = await this.exec('git', args, { ...opts, reject: false });
    if (!first.failed) return first;
    const locks = lockFilesNamed(`${first.stderr}\n${first.stdout}`, cwd);
    if (locks.length && (await removeStaleLocks(locks))) return this.exec('git', args, { ...opts, reject });
    if (reject) throw commandError(first);
    return first;
  }

  private async out(cwd: string, args: readonly string[]): Promise<string> {
    return (await this.run(cwd, args)).stdout;
  }

  /** Commit sha a ref resolves to, or null when it does not exist. */
  async revParse(cwd: string, ref: string): Promise<string | null> {
    const r = await this.run(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], false);
    return r.exitCode === 0 ? r.stdout.trim() : null;
  }

  /** Commit shas of several branch refs in one call (`refs/heads/…`, `refs/remotes/…`); missing ones are absent. */
  async refShas(cwd: string, refs: readonly string[]): Promise<Map<string, string>> {
    const out = await this.out(cwd, ['for-each-ref', '--format=%(refname) %(objectname)', ...refs]);
    const shas = new Map<string, string>();
    for (const line of out.split('\n')) {
      const [ref, sha] = line.trim().split(' ');
      if (ref && sha && refs.includes(ref)) shas.set(ref, sha);
    }
    return shas;
  }

  async tags(cwd: string, glob: string): Promise<string[]> {
    const out = await this.out(cwd, ['tag', '--list', glob]);
    return out
      .split('\n')
      .map((t) => t.trim())
      .filter(Boolean);
  }

  /** Tags whose commit is reachable from `ref` (`git tag --merged`): a branch's own release line. */
  async tagsMerged(cwd: string, ref: string): Promise<string[]> {
    const out = await this.out(cwd, ['tag', '--list', '--merged', ref]);
    return out
      .split('\n')
      .map((t) => t.trim())
      .filter(Boolean);
  }

  /** The newest commit at `ref` whose diff of `path` adds or removes a line matching `regex` (POSIX BRE), or null. */
  async lastCommitChanging(cwd: string, ref: string, path: string, regex: string): Promise<string | null> {
    const out = await this.out(cwd, ['log', '-1', '--format=%H', `-G${regex}`, ref, '--', path]);
    return out.trim() || null;
  }

  /**
   * Lines at `ref` that start with `__version__` in the files matching `pathspecs` (repo-relative,
   * `:(glob)` magic allowed): one `git grep` for all of a package's version files.
   */
  async versionAssignments(
    cwd: string,
    ref: string,
    pathspecs: readonly string[],
  ): Promise<{ path: string; text: string }[]> {
    if (!pathspecs.length) return [];
    const r = await this.run(
      cwd,
      ['grep', '-I', '-n', '--full-name', '--null', '-e', '^__version__', ref, '--', ...pathspecs],
      false,
    );
    // Exit 1 = no match; anything else above it is a real failure.
    if (r.exitCode > 1) throw new FerryError(ErrorCode.COMMAND_FAILED, `git grep failed in ${cwd}: ${r.stderr.trim()}`);
    const out: { path: string; text: string }[] = [];
    for (const line of r.stdout.split('\n')) {
      // --null: <ref>:<path>\0<line>\0<text>
      const [where, , text] = line.split('\0');
      if (!where || text === undefined) continue;
      out.push({ path: where.startsWith(`${ref}:`) ? where.slice(ref.length + 1) : where, text });
    }
    return out;
  }

  /** Commits in `range` (oldest first), optionally only those touching `paths`. */
  async log(cwd: string, range: string, paths: readonly string[] = []): Promise<GitCommit[]> {
    const args = ['log', '--reverse', `--format=%H${FS}%B${RS}`, range];
    if (paths.length) args.push('--', ...paths);
    const out = await this.out(cwd, args);
    return out
      .split(RS)
      .map((rec) => rec.replace(/^\n+/, ''))
      .filter((rec) => rec.includes(FS))
      .map((rec) => {
        const [sha = '', message = ''] = rec.split(FS);
        return { sha: sha.trim(), message: message.trim() };
      });
  }

  /** Paths (repo-relative) of the files directly in `dir` at `ref`; empty when the directory is absent. */
  async listFiles(cwd: string, ref: string, dir: string): Promise<string[]> {
    const r = await this.run(cwd, ['ls-tree', '-z', '--name-only', ref, '--', `${dir.replace(/\/$/, '')}/`], false);
    if (r.exitCode !== 0) return [];
    return r.stdout.split('\0').filter(Boolean);
  }

  /** File content at a ref, or null when absent. */
  async show(cwd: string, ref: string, path: string): Promise<string | null> {
    const p = path.replace(/^\.\//, '');
    const r = await this.run(cwd, ['show', `${ref}:${p}`], false);
    return r.exitCode === 0 ? r.stdout + '\n' : null;
  }

  /**
   * Fetches branches and tags. What a killed git left behind is cleared once and the fetch retried: a
   * stale `….lock` (kill -9 mid-fetch), or a half-written worktree entry of a killed `git worktree add`
   * that makes every fetch die (see worktree-admin.ts).
   */
  async fetch(cwd: string, remote: string): Promise<void> {
    const args = ['fetch', '--quiet', '--tags', '--prune', remote];
    const first = await this.run(cwd, args, false);
    if (first.exitCode === 0) return;
    const said = `${first.stderr}\n${first.stdout}`;
    const cleared = await this.clearKilledGitLeftovers(cwd, first);
    // A missing repository or refused access answers the same again: report it now, not after a second wait.
    const dropped = TRANSIENT_FETCH.test(said) && !FINAL_FETCH.test(said);
    if (!cleared && !dropped && !lockFilesNamed(said, cwd).length) throw commandError(first);
    // Leftovers of a killed git cleared, or the network dropped the fetch: one more try; its COMMAND_FAILED is reported.
    await this.run(cwd, args);
  }

  /** After a git failed: remove the stale locks its output names and half-made worktree entries; true when any went. */
  async clearKilledGitLeftovers(cwd: string, failed: ExecResult): Promise<boolean> {
    const locks = lockFilesNamed(`${failed.stderr}\n${failed.stdout}`, cwd);
    const removedLocks = locks.length ? await removeStaleLocks(locks) : false;
    const removed = await this.commonDir(cwd).then(
      (common) => removeHalfMadeWorktrees(common),
      () => [],
    );
    return removedLocks || removed.length > 0;
  }

  /** The repository's common git dir (absolute), where refs, objects and worktree entries live. */
  async commonDir(cwd: string): Promise<string> {
    const out = (await this.out(cwd, ['rev-parse', '--git-common-dir'])).trim();
    return resolve(cwd, out);
  }

  async hasRemote(cwd: string, remote: string): Promise<boolean> {
    return (await this.run(cwd, ['remote', 'get-url', remote], false)).exitCode === 0;
  }

  async remoteUrl(cwd: string, remote: string): Promise<string> {
    return (await this.out(cwd, ['remote', 'get-url', remote])).trim();
  }

  /** `git status --porcelain` lines (untracked included). */
  async status(cwd: string): Promise<string[]> {
    const out = await this.out(cwd, ['status', '--porcelain', '--untracked-files=all']);
    return out.split('\n').filter(Boolean);
  }

  async currentBranch(cwd: string): Promise<string | null> {
    const r = await this.run(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD'], false);
    return r.exitCode === 0 ? r.stdout.trim() : null;
  }

  async headSubject(cwd: string): Promise<string> {
    return (await this.out(cwd, ['log', '-1', '--format=%s'])).trim();
  }

  async commitAll(cwd: string, message: string): Promise<string> {
    await this.run(cwd, ['add', '--all']);
    await this.run(cwd, ['commit', '--quiet', '--no-verify', '-m', message]);
    return (await this.revParse(cwd, 'HEAD')) ?? '';
  }

  /** @throws PUSH_FAILED with git's reason (rejected, no access…). */
  async push(cwd: string, remote: string, refspecs: readonly string[], fix?: string): Promise<void> {
    const r = await this.run(cwd, ['push', '--quiet', '--porcelain', remote, ...refspecs], false);
    if (r.exitCode !== 0) {
      throw new FerryError(
        ErrorCode.PUSH_FAILED,
        `git push ${remote} ${refspecs.join(' ')} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`,
        {
          fix,
          retryable: true,
          details: { remote, refspecs },
        },
      );
    }
  }

  /** Sha of a remote ref (peeled for annotated tags), or null when the remote lacks it. */
  async lsRemote(cwd: string, remote: string, ref: string): Promise<string | null> {
    const out = await this.out(cwd, ['ls-remote', remote, ref, `${ref}^{}`]);
    const rows = out
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'));
    const peeled = rows.find((r) => r[1] === `${ref}^{}`);
    const direct = rows.find((r) => r[1] === ref);
    return (peeled ?? direct)?.[0] ?? null;
  }

  /** Create a tag on `sha`: annotated when `message` is given, else lightweight. */
  async createTag(cwd: string, name: string, sha: string, message: string | null): Promise<void> {
    const args = message === null ? ['tag', name, sha] : ['tag', '-a', name, '-m', message, sha];
    await this.run(cwd, args);
  }

  async worktrees(cwd: string): Promise<WorktreeInfo[]> {
    const out = await this.out(cwd, ['worktree', 'list', '--porcelain']);
    const list: WorktreeInfo[] = [];
    for (const block of out.split('\n\n')) {
      const lines = block.split('\n');
      const path = lines.find((l) => l.startsWith('worktree '))?.slice(9);
      if (!path) continue;
      const head = lines.find((l) => l.startsWith('HEAD '))?.slice(5) ?? null;
      const branch =
        lines
          .find((l) => l.startsWith('branch '))
          ?.slice(7)
          .replace(/^refs\/heads\//, '') ?? null;
      list.push({ path, head, branch });
    }
    return list;
  }

  /** New worktree at `path` on new branch `branch` from `startPoint` (or detached when branch is null). */
  async addWorktree(cwd: string, path: string, branch: string | null, startPoint: string): Promise<ExecResult> {
    const args =
      branch === null
        ? ['worktree', 'add', '--detach', path, startPoint]
        : ['worktree', 'add', '-b', branch, path, startPoint];
    // A `git branch` killed inside `worktree add -b` leaves `refs/heads/<branch>.lock`: run() clears it.
    return this.run(cwd, args, false);
  }

  /** Worktree on an existing local branch. */
  async addWorktreeExisting(cwd: string, path: string, branch: string): Promise<ExecResult> {
    return this.run(cwd, ['worktree', 'add', path, branch], false);
  }

  async removeWorktree(cwd: string, path: string): Promise<void> {
    // A half-written entry of a killed `git worktree add` (any id) makes `git worktree remove` die: first those.
    await this.commonDir(cwd).then(
      (common) => removeHalfMadeWorktrees(common),
      () => [],
    );
    // NOTE: --force twice: a worktree a killed `git worktree add` left is locked ("initializing").
    await this.run(cwd, ['worktree', 'remove', '--force', '--force', path], false);
    await this.run(cwd, ['worktree', 'prune'], false);
  }

  async branchExists(cwd: string, branch: string): Promise<boolean> {
    return (await this.revParse(cwd, `refs/heads/${branch}`)) !== null;
  }

  /** Commits on `ref` whose subject equals `subject` exactly (newest first). */
  async findCommitBySubject(cwd: string, ref: string, subject: string): Promise<string | null> {
    const out = await this.out(cwd, ['log', `--format=%H${FS}%s`, ref]);
    for (const line of out.split('\n')) {
      const [sha, s] = line.split(FS);
      if (sha && s === subject) return sha;
    }
    return null;
  }
}
