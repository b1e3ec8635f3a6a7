// PUBLISH mode `workflow`: dispatch the release workflow on a tag and follow the run it starts.
// A dispatch returns 204 without a run id, so the run is found by workflow + event + ref + time.

import { ErrorCode, FerryError } from '../../errors.js';
import type { WorkflowInput, WorkflowRunResult } from './types.js';
import { abortableSleep as sleep } from '../../util/sleep.js';
import { githubReason, type GithubClient } from './github-client.js';

export interface WorkflowOptions {
  owner: string;
  timeoutMs: number;
  pollMs: number;
  signal?: AbortSignal;
}

/** Branch or tag name as a workflow run reports it in head_branch. */
export function shortRef(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '');
}

export async function runWorkflow(
  gh: GithubClient,
  input: WorkflowInput,
  opts: WorkflowOptions,
  log: (m: string) => void,
): Promise<WorkflowRunResult> {
  const { owner } = opts;
  const { repo, workflow, ref } = input;
  const fail = (msg: string, cause?: unknown, retryable = false): FerryError =>
    new FerryError(ErrorCode.PUBLISH_FAILED, msg, { cause, retryable, details: { repo, workflow, ref } });
  // GitHub stamps created_at with whole seconds; allow for that and small clock skew.
  const since = Date.now() - 5000;
  try {
    await gh.rest.actions.createWorkflowDispatch({ owner, repo, workflow_id: workflow, ref, inputs: input.inputs });
  } catch (e) {
    throw fail(`GitHub refused to dispatch ${workflow} on ${owner}/${repo}@${ref} (${githubReason(e)})`, e);
  }
  const deadline = Date.now() + opts.timeoutMs;
  const branch = shortRef(ref);
  type Run = { id: number; html_url: string; status: string | null; conclusion: string | null };
  let found: Run | undefined;
  for (;;) {
    const { data } = await gh.rest.actions.listWorkflowRuns({
      owner,
      repo,
      workflow_id: workflow,
      event: 'workflow_dispatch',
      per_page: 20,
    });
    found = data.workflow_runs.find(
      (r) => Date.parse(r.created_at) >= since && (!r.head_branch || r.head_branch === branch),
    );
    if (found) break;
    if (Date.now() > deadline)
      throw fail(
        `dispatched ${workflow} on ${owner}/${repo}@${ref}, but no run appeared within ${Math.round(opts.timeoutMs / 60000)} min`,
        undefined,
        true,
      );
    await sleep(opts.pollMs, opts.signal);
  }
  let run: Run = found;
  log(`workflow ${workflow} on ${owner}/${repo}@${ref}: ${run.html_url}`);
  const result = (): WorkflowRunResult => ({
    runId: run.id,
    runUrl: run.html_url,
    status: run.status ?? 'unknown',
    conclusion: run.conclusion,
  });
  if (input.wait === false) return result();
  while (run.status !== 'completed') {
    if (Date.now() > deadline)
      throw fail(
        `workflow run ${run.html_url} did not finish within ${Math.round(opts.timeoutMs / 60000)} min`,
        undefined,
        true,
      );
    await sleep(opts.pollMs, opts.signal);
    const next: Run = (await gh.rest.actions.getWorkflowRun({ owner, repo, run_id: run.id })).data;
    run = next;
  }
  if (run.conclusion !== 'success')
    throw fail(`workflow run ${run.html_url} concluded ${run.conclusion ?? 'without a conclusion'}`);
  return result();
}
