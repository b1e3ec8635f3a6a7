// Forge kind `git`: no pull-request service, just a remote. A "PR" is a record of the pushed
// branch (kept in the repo's git dir so it survives a crash); merge squashes the branch onto the
// remote's main in a throwaway worktree and pushes main. Already merged = a commit on main whose
// subject is the release commit message.

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ErrorCode, FerryError } from '../../errors.js';
import type { Exec } from '../../util/process.js';
import { Git } from '../git/git.js';
import type { Forge, MergeInput, OpenPrInput, PullRequest } from './types.js';

interface PrRecord {
  number: number;
  branch: string;
  base: string;
  title: string;
  url: string;
  state: PullRequest['state'];
  mergeSha?: string;
}

export interface GitForgeOptions {
  exec: Exec;
  remote?: string;
  /** Attempts when main moves between fetch and push. */
  pushAttempts?: number;
}

export class GitForge implements Forge {
  readonly kind = 'git' as const;
  private readonly git: Git;
  private readonly remote: string;
  private readonly pushAttempts: number;

  constructor(opts: GitForgeOptions) {
    this.git = new Git(opts.exec);
    this.remote = opts.remote ?? 'origin';
    this.pushAttempts = opts.pushAttempts ?? 3;
  }

  private async prFile(repoDir: string): Promise<string> {
    const dir = (await this.git.run(repoDir, ['rev-parse', '--git-common-dir'])).stdout.trim();
    return join(isAbsolute(dir) ? dir : join(repoDir, dir), 'ferry', 'prs.json');
  }

  private async readPrs(file: string): Promise<PrRecord[]> {
    if (!existsSync(file)) return [];
    return JSON.parse(await readFile(file, 'utf8')) as PrRecord[];
  }

  private async writePrs(file: string, prs: PrRecord[]): Promise<void> {
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, JSON.stringify(prs, null, 2) + '\n');
  }

  /** Record (or find) the pseudo-PR of a pushed branch. @throws PR_FAILED when the branch is not on the remote. */
  async ensurePr(input: OpenPrInput, log: (m: string) => void): Promise<PullRequest> {
    const file = await this.prFile(input.repoDir);
    const prs = await this.readPrs(file);
    const found = prs.find((p) => p.branch === input.branch && p.base === input.base);
    if (found) return toPr(found);
    const head = await this.git.lsRemote(input.repoDir, this.remote, `refs/heads/${input.branch}`);
    if (!head) {
      throw new FerryError(
        ErrorCode.PR_FAILED,
        `branch ${input.branch} is not on remote ${this.remote}; cannot open a change request`,
        {
          fix: `git -C ${input.repoDir} push ${this.remote} ${input.branch}`,
        },
      );
    }
    const url = `${await this.git.remoteUrl(input.repoDir, this.remote)}#${input.branch}`;
    const rec: PrRecord = {
      number: Math.max(0, ...prs.map((p) => p.number)) + 1,
      branch: input.branch,
      base: input.base,
      title: input.title,
      url,
      state: 'open',
    };
    await this.writePrs(file, [...prs, rec]);
    log(`recorded change request #${rec.number} for ${input.branch} → ${input.base}`);
    return toPr(rec);
  }

  /** Squash-merge the branch into base on the remote. @throws MERGE_FAILED on conflict, moved branch or rejected push. */
  async merge(input: MergeInput, log: (m: string) => void): Promise<{ mergeSha: string; alreadyMerged: boolean }> {
    const { repoDir, base } = input;
    const subject = input.commitMessage.split('\n')[0] ?? input.commitMessage;
    for (let attempt = 1; ; attempt++) {
      await this.git.fetch(repoDir, this.remote);
      const baseRef = `refs/remotes/${this.remote}/${base}`;
      const existing = await this.git.findCommitBySubject(repoDir, baseRef, subject);
      if (existing) {
        await this.markMerged(repoDir, input.branch, base, existing);
        return { mergeSha: existing, alreadyMerged: true };
      }
      const remoteHead = await this.git.lsRemote(repoDir, this.remote, `refs/heads/${input.branch}`);
      if (remoteHead !== input.headSha) {
        throw new FerryError(
          ErrorCode.MERGE_FAILED,
          `branch ${input.branch} is at ${remoteHead ?? 'nothing'} on ${this.remote}, expected ${input.headSha}; refusing to merge`,
          {
            details: { branch: input.branch, remoteHead, expected: input.headSha },
          },
        );
      }
      const dir = await mkdtemp(join(tmpdir(), 'ferry-merge-'));
      try {
        const add = await this.git.addWorktree(repoDir, dir, null, baseRef);
        if (add.exitCode !== 0)
          throw new FerryError(ErrorCode.MERGE_FAILED, `cannot check out ${base}: ${add.stderr.trim()}`);
        const merge = await this.git.run(dir, ['merge', '--squash', input.headSha], false);
        if (merge.exitCode !== 0) {
          const conflicts = (await this.git.run(dir, ['diff', '--name-only', '--diff-filter=U'], false)).stdout
            .split('\n')
            .filter(Boolean);
          throw new FerryError(
            ErrorCode.MERGE_FAILED,
            `squash-merging ${input.branch} into ${base} conflicts${conflicts.length ? ` in ${conflicts.join(', ')}` : `: ${merge.all.trim().split('\n').slice(-2).join(' ')}`}`,
            {
              details: { branch: input.branch, base, conflicts },
            },
          );
        }
        const mergeSha = await this.git.commitAll(dir, input.commitMessage);
        const push = await this.git.run(
          dir,
          ['push', '--quiet', '--porcelain', this.remote, `HEAD:refs/heads/${base}`],
          false,
        );
        if (push.exitCode === 0) {
          await this.git.fetch(repoDir, this.remote);
          await this.markMerged(repoDir, input.branch, base, mergeSha);
          log(`squash-merged ${input.branch} into ${base} as ${mergeSha.slice(0, 12)}`);
          return { mergeSha, alreadyMerged: false };
        }
        if (attempt >= this.pushAttempts) {
          throw new FerryError(
            ErrorCode.MERGE_FAILED,
            `pushing ${base} to ${this.remote} was rejected ${attempt} times: ${push.stderr.trim().split('\n').slice(-2).join(' ')}`,
            {
              retryable: true,
            },
          );
        }
        log(`${base} moved on ${this.remote}; retrying merge (${attempt}/${this.pushAttempts})`);
      } finally {
        await this.git.removeWorktree(repoDir, dir);
        await rm(dir, { recursive: true, force: true });
      }
    }
  }

  private async markMerged(repoDir: string, branch: string, base: string, sha: string): Promise<void> {
    const file = await this.prFile(repoDir);
    const prs = await this.readPrs(file);
    const rec = prs.find((p) => p.branch === branch && p.base === base);
    if (!rec || rec.state === 'merged') return;
    rec.state = 'merged';
    rec.mergeSha = sha;
    await this.writePrs(file, prs);
  }
}

function toPr(r: PrRecord): PullRequest {
  return {
    number: r.number,
    url: r.url,
    state: r.state,
    head: r.branch,
    base: r.base,
    ...(r.mergeSha ? { mergeSha: r.mergeSha } : {}),
  };
}
