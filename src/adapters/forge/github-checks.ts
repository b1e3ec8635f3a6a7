// Required status checks: which contexts branch protection requires, and where each one stands on
// a commit (commit statuses and check runs both count, as on GitHub's merge box).

import { ErrorCode, FerryError } from '../../errors.js';
import { abortableSleep } from '../../util/sleep.js';
import { githubReason, isHttpError, type GithubClient } from './github-client.js';

export type CheckVerdict = 'success' | 'failure' | 'pending';

export interface CheckReport {
  context: string;
  verdict: CheckVerdict;
  /** GitHub's word for it: success, failure, error, timed_out, in_progress, expected… */
  detail: string;
}

const PASSING = new Set(['success', 'neutral', 'skipped']);

/** Pure: classify each required context from statuses and check runs of one commit. */
export function evaluateChecks(
  required: readonly string[],
  statuses: readonly { context: string; state: string }[],
  runs: readonly { name: string; status: string; conclusion: string | null; id: number }[],
): CheckReport[] {
  return required.map((context) => {
    // Combined status lists the latest status per context; for runs, the newest id wins.
    const st = statuses.find((s) => s.context === context);
    const run = runs.filter((r) => r.name === context).sort((a, b) => b.id - a.id)[0];
    if (run && run.status === 'completed') {
      const c = run.conclusion ?? 'unknown';
      return { context, verdict: PASSING.has(c) ? 'success' : 'failure', detail: c };
    }
    if (st) {
      if (st.state === 'success') return { context, verdict: 'success', detail: 'success' };
      if (st.state === 'failure' || st.state === 'error') return { context, verdict: 'failure', detail: st.state };
      return { context, verdict: 'pending', detail: st.state };
    }
    if (run) return { context, verdict: 'pending', detail: run.status };
    return { context, verdict: 'pending', detail: 'expected' };
  });
}

/** Contexts required on `branch`; [] when unprotected (404). Unreadable (403) → [] and let merge tell. */
export async function requiredChecks(
  gh: GithubClient,
  owner: string,
  repo: string,
  branch: string,
  log: (m: string) => void,
): Promise<string[]> {
  try {
    const { data } = await gh.rest.repos.getStatusChecksProtection({ owner, repo, branch });
    return [...new Set([...(data.contexts ?? []), ...(data.checks ?? []).map((c) => c.context)])];
  } catch (e) {
    if (isHttpError(e) && e.status === 404) return [];
    if (isHttpError(e) && e.status === 403) {
      log(
        `cannot read branch protection of ${owner}/${repo}@${branch} (${githubReason(e)}); merging without waiting for checks`,
      );
      return [];
    }
    throw e;
  }
}

export async function readChecks(
  gh: GithubClient,
  owner: string,
  repo: string,
  sha: string,
  required: readonly string[],
): Promise<CheckReport[]> {
  const [status, runs] = await Promise.all([
    gh.rest.repos.getCombinedStatusForRef({ owner, repo, ref: sha, per_page: 100 }),
    gh.rest.checks.listForRef({ owner, repo, ref: sha, per_page: 100 }),
  ]);
  return evaluateChecks(
    required,
    status.data.statuses,
    runs.data.check_runs.map((r) => ({ name: r.name, status: r.status, conclusion: r.conclusion, id: Number(r.id) })),
  );
}

export interface WaitChecksInput {
  owner: string;
  repo: string;
  base: string;
  sha: string;
  prNumber: number;
  timeoutMs: number;
  pollMs: number;
  signal?: AbortSignal;
}

/**
 * Wait until every required check on `sha` passes.
 * @throws MERGE_FAILED naming the failing check, or the checks still pending at the timeout.
 */
export async function waitForChecks(
  gh: GithubClient,
  input: WaitChecksInput,
  log: (m: string) => void,
): Promise<CheckReport[]> {
  const { owner, repo, sha, prNumber } = input;
  const required = await requiredChecks(gh, owner, repo, input.base, log);
  if (required.length === 0) return [];
  const deadline = Date.now() + input.timeoutMs;
  let lastLine = '';
  for (;;) {
    const reports = await readChecks(gh, owner, repo, sha, required);
    const failed = reports.filter((r) => r.verdict === 'failure');
    if (failed.length > 0) {
      const names = failed.map((r) => `"${r.context}" (${r.detail})`).join(', ');
      throw new FerryError(
        ErrorCode.MERGE_FAILED,
        `required check ${names} failed on ${sha.slice(0, 7)} of ${owner}/${repo}#${prNumber}`,
        {
          details: { repo, pr: prNumber, sha, checks: failed.map((r) => r.context), reason: 'failing_check' },
        },
      );
    }
    const pending = reports.filter((r) => r.verdict === 'pending');
    if (pending.length === 0) return reports;
    const line = `waiting for checks: ${pending.map((r) => `${r.context} (${r.detail})`).join(', ')} on ${owner}/${repo}#${prNumber}`;
    if (line !== lastLine) log(line);
    lastLine = line;
    if (Date.now() + input.pollMs > deadline) {
      throw new FerryError(
        ErrorCode.MERGE_FAILED,
        `required checks ${pending.map((r) => `"${r.context}"`).join(', ')} did not complete within ${Math.round(input.timeoutMs / 60000)} min on ${owner}/${repo}#${prNumber}`,
        {
          retryable: true,
          details: { repo, pr: prNumber, sha, checks: pending.map((r) => r.context), reason: 'checks_timeout' },
        },
      );
    }
    await abortableSleep(input.pollMs, input.signal);
  }
}
