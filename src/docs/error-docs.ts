// What every error code means and what to do about it: the source of docs/errors.md and `ferry explain`.
// A Record over ErrorCode, so a new code does not typecheck until it is explained here.
import { FerryError, type ErrorCode } from '../errors.js';

export interface ErrorDoc {
  /** One or two sentences: what happened. */
  meaning: string;
  /** What to do next (the error's own `fix:` line has the exact command for the case at hand). */
  action: string;
}

export const ERROR_DOCS: Record<ErrorCode, ErrorDoc> = {
  GRAPH_DRIFT: {
    meaning:
      'The packages (or tiers) in ferry.yaml do not match the repos found in the workspace: a repo is missing from the graph, or a declared tier contradicts the dependencies.',
    action:
      'Edit `packages:` in ferry.yaml (add the package or fix its tier), then check with `ferry release --dry-run`.',
  },
  NOTHING_TO_RELEASE: {
    meaning: 'A package has no commits since its last release tag. Not a failure: the package is left out of the plan.',
    action: 'Nothing. Commit a change (feat:, fix:, …) to release it next time.',
  },
  WORKTREE_CONFLICT: {
    meaning: 'The release worktree path already exists on another branch; ferry never clobbers an existing worktree.',
    action: 'Remove the conflicting worktree (`git worktree remove <path>`), then `ferry release --resume <run_id>`.',
  },
  WORKTREE_DIRTY: {
    meaning: 'A release worktree has uncommitted changes that ferry did not make.',
    action: 'Commit, stash or discard the changes in that worktree, then `ferry release --resume <run_id>`.',
  },
  LINT_FAILED: {
    meaning:
      'The `release.lint` command (e.g. pre-commit) failed in a release worktree. That package fails; the rest of its tier and later tiers are blocked.',
    action: 'Fix the lint problems in the package repo, then `ferry release --resume <run_id>`.',
  },
  LOCK_FAILED: {
    meaning: 'The lock-file command (`release.lock`, e.g. `uv lock`) failed: usually a dependency resolution conflict.',
    action: 'Fix the dependency constraints, then `ferry release --resume <run_id>`.',
  },
  PR_FAILED: {
    meaning:
      'The forge refused to create or update the release pull request (permissions, branch protection, API error).',
    action:
      'Check the token named by `release.forge.token_env` and the repo settings, then `ferry release --resume <run_id>`.',
  },
  MERGE_FAILED: {
    meaning:
      'The release branch could not be merged: a conflict, failing required checks, or a main branch that moved.',
    action: 'Resolve the conflict or fix the checks, then `ferry release --resume <run_id>`.',
  },
  TAG_CONFLICT: {
    meaning: 'The release tag already exists on a different commit than the release commit.',
    action:
      'If the tag is stale, delete it locally and on the remote (the fix line shows the commands), then `ferry release --resume <run_id>`.',
  },
  VERSION_EXISTS: {
    meaning:
      'The version a package would be released at is already released (a tag names it), or is not above the current version.',
    action:
      'Release from the branch that holds that tag, or pick a higher bump: `ferry release <pkg> --bump minor --dry-run`.',
  },
  PYPI_TIMEOUT: {
    meaning: 'The published version did not appear on the registry index within `registry_wait.timeout_minutes`.',
    action:
      'Check the registry, then `ferry release --resume <run_id>` (or set `release.registry_wait.skip: true` to not wait).',
  },
  TIER_BLOCKED: {
    meaning: 'A package in an earlier tier (or earlier in this tier) failed, so this package was not attempted.',
    action: 'Fix the failing package named in the run, then `ferry release --resume <run_id>`.',
  },
  GATE_REJECTED: {
    meaning: 'The approval gate was answered with a rejection. Nothing was changed.',
    action: 'Correct the plan (packages, bumps) and start a new run.',
  },
  GATE_TIMEOUT: {
    meaning: 'Nobody answered the approval gate within `release.gate.timeout_minutes`; silence never approves.',
    action: 'Run again and approve in time, or pass a pre-issued approval with `--gate-attestation <ts>:<run_id>`.',
  },
  INVALID_GATE_TOKEN: {
    meaning: 'The `--gate-attestation` value is malformed, names another run, or is not an approval of this plan hash.',
    action: 'Pass `--gate-attestation <slack_ts>:<run_id>` of a real approval of this run, or approve interactively.',
  },
  STATE_CORRUPT: {
    meaning:
      'A state or result file under .ferry/ cannot be parsed or does not match its schema, and its last good copy (`<state>.bak`, used automatically when it parses) is lost too; the run cannot resume.',
    action:
      'For a release, run the fix line: `rm <state file> && ferry release --recover` — it rebuilds the truth from the remotes, tags and the registry and uploads what the run tagged but never uploaded (safe to run again) — then `ferry release`. For other pipelines, remove the file and start a fresh run.',
  },
  STATE_WRITE_FAILED: {
    meaning:
      'ferry could not write a state file (disk full, read-only or missing state directory). The previous state is intact.',
    action: 'Free space or make the state directory writable, then run the resume command the fix line shows.',
  },
  STATE_NOT_FOUND: {
    meaning: 'There is no run with that id under the state directory (wrong id, or another `--state-dir`).',
    action: 'List runs with `ferry runs list`; start a fresh run without `--resume`.',
  },
  PUBLISH_FAILED: {
    meaning: 'Uploading the package to its registry (or the publish workflow) failed after retries.',
    action: 'Check the registry URL and the token named by `token_env`, then `ferry release --resume <run_id>`.',
  },
  TAGGED_NOT_PUBLISHED: {
    meaning:
      "A package's last release tag, made by ferry's TAG step, exists but its version is not on its registry: it was tagged and never uploaded (a run killed after TAG whose state file was then lost or removed). It is not NOTHING_TO_RELEASE: a new release would let its dependents pin a version nobody can install, so ferry stops before the gate.",
    action:
      '`ferry release --recover` builds exactly the tagged commit (a detached worktree of the tag) and uploads it unless the registry already has it; run it again after any interruption. Then `ferry release`.',
  },
  PUBLISH_CONFLICT: {
    meaning:
      'The registry already has this name and version with different content; an uploaded file can never be replaced.',
    action: 'Bump the version of that package, then `ferry release --resume <run_id>`.',
  },
  PUSH_FAILED: {
    meaning: 'git push of the release branch or tag was refused (permissions, protected branch, network).',
    action: 'Check access to the remote named by `release.forge.remote`, then `ferry release --resume <run_id>`.',
  },
  GATE_UNAVAILABLE: {
    meaning:
      'None of the channels in `release.gate.channels` can ask for approval here (no terminal, Slack not configured, no dashboard).',
    action:
      'Run in a terminal, configure `notify.slack`, add `dashboard` to `release.gate.channels`, or pass `--gate-attestation`.',
  },
  PLAN_CHANGED: {
    meaning: 'The packages or versions to release differ from what the run (or the approval) was made for.',
    action: 'Review with `ferry release --dry-run` and start a new run (approvals are bound to the plan hash).',
  },
  CONFIG_INVALID: {
    meaning: 'ferry.yaml (or a manifest it reads) is not valid: the message names the file, line and key.',
    action: 'Fix the key it names; `ferry config check` lists every problem; see docs/config.md for every key.',
  },
  CONFIG_NOT_FOUND: {
    meaning: 'No ferry.yaml in this directory or any parent, or the `--config` path does not exist.',
    action: 'Run `ferry init` in the directory that holds your repos, or pass `--config <file>`.',
  },
  DEPENDENCY_CYCLE: {
    meaning: 'The packages depend on each other in a circle, so there is no release order.',
    action: 'Break the cycle in the manifests or in `depends_on:`; the message lists the cycle.',
  },
  USAGE: {
    meaning: 'The command line is wrong: an unknown command or option, or a bad value.',
    action: 'See `ferry <command> --help`; the fix line names the exact help to read.',
  },
  LOCKED: {
    meaning: 'Another ferry process holds the lock of this run or resource (the message says which pid and why).',
    action: 'Wait for it to finish; if that process is gone, the lock is taken over automatically on the next try.',
  },
  STATE_STALE: {
    meaning: 'The recorded state is behind what the command expects (e.g. finalize before the self-deploy ran).',
    action: 'Run the step the message names first, or check `ferry runs show <run_id>`.',
  },
  COMMAND_FAILED: {
    meaning: 'A command ferry ran exited non-zero; its output is in .ferry/runs/<run_id>/commands.log.',
    action: 'Read the command output (`ferry runs show <run_id>`), fix the cause, then resume the run.',
  },
  COMMAND_TIMEOUT: {
    meaning: 'A command ferry ran did not finish in its time limit and was stopped.',
    action:
      'Find out why it hung (output in commands.log), raise the timeout in ferry.yaml if it is just slow, resume.',
  },
  STEP_FAILED: {
    meaning: 'A step of a run failed or was interrupted; the run stopped there and can be resumed.',
    action: 'Fix the cause named in the message, then run the resume command the fix line shows.',
  },
  ENV_MISSING: {
    meaning: 'An environment variable the configuration requires (a token, `required_env`, a secret value) is not set.',
    action: 'Export it, or put it in a file listed under `env_files:`, then run again.',
  },
  SYNC_FAILED: {
    meaning: 'Fast-forwarding a repo in the redeploy SYNC phase failed (diverged, dirty, or fetch refused).',
    action: 'Bring the repo to a state that fast-forwards, then `ferry redeploy --resume <run_id>`.',
  },
  PIN_UNMATCHED: {
    meaning:
      'A requested package version has no pin in the Dockerfile (no `pkg==X` install line, no `ARG <PKG>_VERSION`).',
    action: 'Add a pin for it to the Dockerfile, or pass `--allow-unmatched` to `ferry pins`.',
  },
  PIN_CONFLICT: {
    meaning:
      "A Dockerfile pin does not admit the requested version: above a range's upper bound, excluded by `!=`, or a downgrade.",
    action: 'Edit the pin on the line the message names, or ask for a version it admits.',
  },
  DEPLOY_FAILED: {
    meaning: 'Building the image or (re)creating the containers failed.',
    action: 'Read the error and the build output, fix the cause, then resume (`--resume <run_id>`).',
  },
  SECRETS_FAILED: {
    meaning: 'Reading or seeding secrets (Infisical or the sync command) failed.',
    action: 'Check the secrets store address and credentials named in `redeploy.secrets`, then resume.',
  },
  HEALTH_FAILED: {
    meaning: 'A health URL did not answer 2xx/3xx within the retries, after a deploy or promote.',
    action: 'Check the service logs (`docker logs <container>`); a promote rolls back by itself.',
  },
  VERSION_MISMATCH: {
    meaning: 'The versions installed in the running container are not the versions that were requested.',
    action: 'Check the pins in the Dockerfile and the build; redeploy with the right `--versions`.',
  },
  DIGEST_MISMATCH: {
    meaning: 'A service does not run the image that was built or promoted (its image digest differs).',
    action: 'Check what else recreated the container; redeploy or promote again.',
  },
  STAGING_FAILED: {
    meaning: 'The staging check failed, or there is no SUCCESS staging verdict for the service.',
    action: 'Run `ferry stage <service>` and fix what it reports before promoting.',
  },
  STAGING_STALE: {
    meaning: 'The SUCCESS staging verdict is for another image than the one about to be promoted.',
    action: 'Stage the exact image first (`ferry stage <service>`), then promote.',
  },
  SELF_RESTART_REFUSED: {
    meaning: 'The action would restart the container ferry itself runs in, which would kill the run midway.',
    action: 'Use `ferry self-deploy` (a detached host process), or run the command from the host.',
  },
  CONFIRMATION_REQUIRED: {
    meaning: 'The action is destructive or risky and needs a confirmation, but nobody can be asked (no terminal).',
    action: 'Review the plan with `--dry-run`, then pass `--yes`.',
  },
  RUNTIME_UNAVAILABLE: {
    meaning: 'The Docker engine cannot be reached (socket missing, daemon down, no permission).',
    action: 'Start Docker or set `DOCKER_HOST` / the runtime `socket:`; check with `docker info`.',
  },
  NOT_FOUND: {
    meaning: 'Something the command names does not exist: a file, a container, a result.',
    action: 'Check the name or path in the message; the fix line says where to look.',
  },
  NOTIFY_FAILED: {
    meaning:
      'Sending a notice (Slack, webhook) failed. The run itself is not affected; the notice fell back to stdout.',
    action: 'Check the token and channel named under `notify:`.',
  },
  MANIFEST_EDIT_FAILED: {
    meaning:
      'Editing a manifest (pyproject.toml, package.json) failed, or changed nothing where the reader found the value.',
    action: 'Set the value by hand in the file the message names, then run ferry again.',
  },
  PREFLIGHT_FAILED: {
    meaning:
      'A package to release does not build, or its built metadata is not publishable. Checked before the gate: nothing was changed.',
    action: 'Fix the build or metadata problem the message names in that package, then `ferry release --dry-run`.',
  },
  INTERNAL: {
    meaning: 'ferry reached a state it should never reach: a bug.',
    action: 'Report it with the run id, the command and `.ferry/runs/<run_id>/events.jsonl`.',
  },
};

/** The exit status a code produces (FerryError decides; this only asks it). */
export function exitStatusOf(code: ErrorCode): 1 | 2 {
  return new FerryError(code, '').exitCode;
}
