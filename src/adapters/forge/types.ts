// A forge moves a pushed release branch into main: open (or find) a change request, merge it.
// kind `git`: ferry squash-merges locally and pushes main. kind `github`: pull requests via REST.

export interface PullRequest {
  number: number;
  url: string;
  state: 'open' | 'closed' | 'merged';
  head: string;
  base: string;
  /** Commit on base created by the merge, when merged. */
  mergeSha?: string;
}

export interface OpenPrInput {
  /** Local clone/worktree of the repo (used by kind git). */
  repoDir: string;
  /** Repo name (used for the GitHub owner/repo). */
  repo: string;
  branch: string;
  base: string;
  title: string;
  body: string;
}

export interface MergeInput extends OpenPrInput {
  pr: PullRequest;
  /** Squash commit message (seed: "release: <repo> vX.Y.Z"). */
  commitMessage: string;
  /** Expected head sha: merge is refused if the branch moved. */
  headSha: string;
}

export interface Forge {
  readonly kind: 'git' | 'github';
  /**
   * Find an existing PR for this branch (any state), else create one. Idempotent.
   * @throws PR_FAILED with the forge's reason.
   */
  ensurePr(input: OpenPrInput, log: (m: string) => void): Promise<PullRequest>;
  /**
   * Merge (squash). Already merged → returns the existing merge sha (idempotent).
   * Waits for required checks where the forge has them. Afterwards the merge commit exists in
   * `input.repoDir` (kind github fetches the base branch from the remote).
   * @throws MERGE_FAILED naming the conflict, failing check or protection rule.
   */
  merge(input: MergeInput, log: (m: string) => void): Promise<{ mergeSha: string; alreadyMerged: boolean }>;
  /**
   * PUBLISH mode `workflow` (kind github only): dispatch a workflow on a ref and wait for its run.
   * @throws PUBLISH_FAILED when the dispatch is refused or the run does not succeed.
   */
  runWorkflow?(input: WorkflowInput, log: (m: string) => void): Promise<WorkflowRunResult>;
}

export interface WorkflowInput {
  repo: string;
  /** Workflow file name or id, e.g. release.yml. */
  workflow: string;
  /** Branch or tag (e.g. "omnibase_spi/v1.2.1" or "refs/tags/…"). */
  ref: string;
  inputs?: Record<string, string>;
  /** false: dispatch and return as soon as the run is found. Default true. */
  wait?: boolean;
}

export interface WorkflowRunResult {
  runId: number;
  runUrl: string;
  status: string;
  conclusion: string | null;
}
