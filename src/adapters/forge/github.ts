// Forge kind `github`: pull requests through the REST API with the official client. Every call is
// idempotent against a crash at any instant: ensurePr finds before it creates, merge detects a
// PR that is already merged and returns its merge commit.

import { ErrorCode, FerryError } from '../../errors.js';
import { addSecret } from '../../util/redact.js';
import type { ReleaseConfig } from '../../config/sections/release.js';
import type { Forge, MergeInput, OpenPrInput, PullRequest, WorkflowInput, WorkflowRunResult } from './types.js';
import { createGithubClient, githubReason, isHttpError, type GithubClient } from './github-client.js';
import { waitForChecks } from './github-checks.js';
import { runWorkflow } from './github-workflow.js';
import { exec as defaultExec, type Exec } from '../../util/process.js';

export type GithubForgeConfig = Extract<ReleaseConfig['forge'], { kind: 'github' }>;

export interface GithubForgeOptions {
  /** Environment to read the token from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Log used outside a call (rate-limit waits between calls). */
  log?: (m: string) => void;
  /** Override poll intervals (tests). */
  pollMs?: number;
  signal?: AbortSignal;
  /** Runs `git fetch` after a merge so the merge commit exists in the local repo (for TAG). */
  exec?: Exec;
}

interface PullLike {
  number: number;
  html_url: string;
  state: string;
  merged_at: string | null;
  merge_commit_sha: string | null;
  head: { ref: string };
  base: { ref: string };
}

function toPr(p: PullLike): PullRequest {
  const merged = Boolean(p.merged_at);
  return {
    number: p.number,
    url: p.html_url,
    state: merged ? 'merged' : p.state === 'open' ? 'open' : 'closed',
    head: p.head.ref,
    base: p.base.ref,
    ...(merged && p.merge_commit_sha ? { mergeSha: p.merge_commit_sha } : {}),
  };
}

/** Read and register the token. @throws ENV_MISSING when the variable is unset. */
export function githubToken(cfg: GithubForgeConfig, env: NodeJS.ProcessEnv = process.env): string {
  const token = env[cfg.token_env];
  if (!token) {
    throw new FerryError(ErrorCode.ENV_MISSING, `forge github needs a token in $${cfg.token_env}, which is not set`, {
      fix: `export ${cfg.token_env}=<token with contents:write and pull_requests:write>`,
      details: { env: cfg.token_env },
    });
  }
  addSecret(token);
  return token;
}

/** What to do about a refusal that is about the token, not the change (401, or 403 that is not a rate limit). */
function credentialsFix(e: unknown, tokenEnv: string): { fix: string } | Record<string, never> {
  if (!isHttpError(e)) return {};
  if (e.status === 401)
    return {
      fix: `GitHub does not accept the token in $${tokenEnv}: export a valid one (contents:write, pull_requests:write), then resume`,
    };
  if (e.status === 403 && !/rate limit/i.test(githubReason(e)))
    return {
      fix: `the token in $${tokenEnv} may not push/merge here: it needs contents:write and pull_requests:write on the repo (and branch protection must allow it), then resume`,
    };
  return {};
}

export class GithubForge implements Forge {
  readonly kind = 'github' as const;
  readonly gh: GithubClient;
  private log: (m: string) => void;

  constructor(
    readonly cfg: GithubForgeConfig,
    private readonly opts: GithubForgeOptions = {},
  ) {
    this.log = opts.log ?? (() => undefined);
    this.gh = createGithubClient({
      apiUrl: cfg.api_url,
      token: githubToken(cfg, opts.env),
      log: () => this.log,
      writeIntervalMs: cfg.write_interval_ms,
    });
  }

  private async with<T>(log: (m: string) => void, fn: () => Promise<T>): Promise<T> {
    const prev = this.log;
    this.log = log;
    try {
      return await fn();
    } finally {
      this.log = prev;
    }
  }

  private async findPr(repo: string, branch: string, base: string): Promise<PullRequest | undefined> {
    const owner = this.cfg.owner;
    const { data } = await this.gh.rest.pulls.list({
      owner,
      repo,
      head: `${owner}:${branch}`,
      state: 'all',
      per_page: 100,
    });
    const mine = data.filter((p) => p.head.ref === branch && p.base.ref === base).map(toPr);
    // Prefer what can still land: merged, then open; a closed-unmerged PR only if nothing else.
    return mine.find((p) => p.state === 'merged') ?? mine.find((p) => p.state === 'open') ?? mine[0];
  }

  ensurePr(input: OpenPrInput, log: (m: string) => void): Promise<PullRequest> {
    return this.with(log, async () => {
      const { repo, branch, base } = input;
      const owner = this.cfg.owner;
      const where = `${owner}/${repo} ${branch} → ${base}`;
      const failed = (e: unknown): FerryError =>
        new FerryError(ErrorCode.PR_FAILED, `GitHub refused the PR for ${where} (${githubReason(e)})`, {
          cause: e,
          ...credentialsFix(e, this.cfg.token_env),
          details: { repo, branch, status: isHttpError(e) ? e.status : undefined, reason: githubReason(e) },
        });
      let existing: PullRequest | undefined;
      try {
        existing = await this.findPr(repo, branch, base);
      } catch (e) {
        throw failed(e);
      }
      if (existing) return this.reuse(existing, where, log);
      try {
        const { data } = await this.gh.rest.pulls.create({
          owner,
          repo,
          head: branch,
          base,
          title: input.title,
          body: input.body,
        });
        log(`created PR #${data.number} for ${where}: ${data.html_url}`);
        return toPr(data);
      } catch (e) {
        // Lost a race with another run (or a crash right after create): the PR is there now.
        if (isHttpError(e) && e.status === 422 && /already exists/i.test(githubReason(e))) {
          const again = await this.findPr(repo, branch, base).catch(() => undefined);
          if (again) return this.reuse(again, where, log);
        }
        throw failed(e);
      }
    });
  }

  private reuse(pr: PullRequest, where: string, log: (m: string) => void): PullRequest {
    if (pr.state === 'closed') {
      throw new FerryError(
        ErrorCode.PR_FAILED,
        `PR #${pr.number} for ${where} was closed without merging (${pr.url})`,
        {
          fix: `reopen ${pr.url}, or delete branch ${pr.head} on GitHub, then resume`,
          details: { pr: pr.number, url: pr.url, reason: 'closed' },
        },
      );
    }
    log(`reusing PR #${pr.number} (${pr.state}) for ${where}: ${pr.url}`);
    return pr;
  }

  merge(input: MergeInput, log: (m: string) => void): Promise<{ mergeSha: string; alreadyMerged: boolean }> {
    return this.with(log, async () => {
      const owner = this.cfg.owner;
      const { repo, pr } = input;
      const where = `${owner}/${repo}#${pr.number}`;
      const failed = (reason: string, e?: unknown, extra: Record<string, unknown> = {}): FerryError =>
        new FerryError(ErrorCode.MERGE_FAILED, `cannot merge ${where}: ${reason}`, {
          cause: e,
          ...credentialsFix(e, this.cfg.token_env),
          details: {
            repo,
            pr: pr.number,
            url: pr.url,
            status: isHttpError(e) ? e.status : undefined,
            reason,
            ...extra,
          },
        });
      const current = async (): Promise<PullRequest & { headSha: string }> => {
        try {
          const { data } = await this.gh.rest.pulls.get({ owner, repo, pull_number: pr.number });
          return { ...toPr(data), headSha: data.head.sha };
        } catch (e) {
          throw failed(githubReason(e), e);
        }
      };
      const before = await current();
      if (before.state === 'merged' && before.mergeSha) {
        log(`${where} is already merged (${before.mergeSha.slice(0, 7)})`);
        return this.fetched(input, { mergeSha: before.mergeSha, alreadyMerged: true });
      }
      if (before.state === 'closed') throw failed(`PR was closed without merging (${pr.url})`);
      await waitForChecks(
        this.gh,
        {
          owner,
          repo,
          base: before.base,
          sha: input.headSha,
          prNumber: pr.number,
          timeoutMs: this.cfg.checks_timeout_minutes * 60_000,
          pollMs: this.opts.pollMs ?? this.cfg.checks_poll_seconds * 1000,
          signal: this.opts.signal,
        },
        log,
      );
      const [title, ...rest] = input.commitMessage.split('\n');
      for (let attempt = 1; ; attempt++) {
        try {
          const { data } = await this.gh.rest.pulls.merge({
            owner,
            repo,
            pull_number: pr.number,
            merge_method: this.cfg.merge_method,
            sha: input.headSha,
            commit_title: title,
            commit_message: rest.join('\n').trim(),
          });
          log(`merged ${where} (${this.cfg.merge_method}) → ${data.sha.slice(0, 7)}`);
          return await this.fetched(input, { mergeSha: data.sha, alreadyMerged: false });
        } catch (e) {
          if (!isHttpError(e) || ![405, 409, 422].includes(e.status)) throw failed(githubReason(e), e);
          // A merge whose response was lost, or a concurrent merge: the PR tells the truth.
          const after = await current();
          if (after.state === 'merged' && after.mergeSha) {
            log(`${where} is already merged (${after.mergeSha.slice(0, 7)})`);
            return await this.fetched(input, { mergeSha: after.mergeSha, alreadyMerged: true });
          }
          const reason = githubReason(e);
          if (/Base branch was modified/i.test(reason) && attempt < 3) {
            log(`${where}: base branch moved, retrying merge`);
            await new Promise((r) => setTimeout(r, 1000 * attempt));
            continue;
          }
          const check = /Required status check "([^"]+)"/.exec(reason)?.[1];
          if (e.status === 409)
            throw failed(
              `${reason} (expected head ${input.headSha.slice(0, 7)}, PR head is ${after.headSha.slice(0, 7)})`,
              e,
              { expectedSha: input.headSha, headSha: after.headSha },
            );
          throw failed(reason, e, check ? { checks: [check] } : {});
        }
      }
    });
  }

  /**
   * The merge happened on GitHub: fetch the base branch so the merge commit exists locally, as it
   * does after a kind-git merge (TAG tags it). A failed fetch is MERGE_FAILED: resume retries it.
   */
  private async fetched<T extends { mergeSha: string }>(input: MergeInput, out: T): Promise<T> {
    if (!input.repoDir) return out;
    const exec = this.opts.exec ?? defaultExec;
    await exec(
      'git',
      [
        '-C',
        input.repoDir,
        'fetch',
        '--quiet',
        this.cfg.remote,
        `+refs/heads/${input.base}:refs/remotes/${this.cfg.remote}/${input.base}`,
      ],
      {
        failCode: ErrorCode.MERGE_FAILED,
        signal: this.opts.signal,
      },
    );
    return out;
  }

  runWorkflow(input: WorkflowInput, log: (m: string) => void): Promise<WorkflowRunResult> {
    return this.with(log, () =>
      runWorkflow(
        this.gh,
        input,
        {
          owner: this.cfg.owner,
          timeoutMs: this.cfg.workflow_timeout_minutes * 60_000,
          pollMs: this.opts.pollMs ?? 5000,
          signal: this.opts.signal,
        },
        log,
      ),
    );
  }
}

export function createGithubForge(cfg: GithubForgeConfig, opts: GithubForgeOptions = {}): GithubForge {
  return new GithubForge(cfg, opts);
}
