// Data shapes of `ferry deploy`: what analysis found, what the decision is, what the last
// deploy recorded. Everything here is plain JSON so it can go to state, results and --json.

/** Path classes of ferry.yaml `deploy.paths` (seed: code → redeploy, config/build → rebuild, env → full restart). */
export type PathClass = 'code' | 'config' | 'build' | 'env' | 'ignore';

export interface PathRule {
  glob: string;
  class: PathClass;
}

/** The seed's six scenarios. */
export type Scenario =
  | 'remote_config_changed'
  | 'local_config_changed'
  | 'code_changed'
  | 'env_changed'
  | 'nothing_changed'
  | 'services_down';

/** What a decision runs, strongest first (see ACTION_ORDER in decide.ts). */
export type DeployAction = 'rebuild' | 'full_restart' | 'redeploy' | 'start' | 'status';

export interface ChangedFile {
  path: string;
  class: PathClass;
  /** How it changed: git status letters mapped to words, or `changed` for env files found by content hash. */
  change: 'modified' | 'added' | 'deleted' | 'renamed' | 'untracked' | 'changed';
  /** worktree: uncommitted; committed: in `<last deployed commit>..HEAD`; file: compared by content hash. */
  source: 'worktree' | 'committed' | 'file';
}

export interface LocalAnalysis {
  head: string | null;
  /** The last deployed code commit the diff started from, when it is known and in history. */
  base: string | null;
  files: ChangedFile[];
  /** sha256 of every dirty or env-class file now (recorded on deploy so unchanged dirty files are not re-reported). */
  hashes: Record<string, string>;
  warnings: string[];
}

export interface CommitLine {
  sha: string;
  short: string;
  subject: string;
}

export interface RemoteRepoStatus {
  name: string;
  url: string;
  ref: string;
  /** Commit recorded by the last deploy; null when never deployed. */
  recorded: string | null;
  /** Commit the remote ref points at now; null when ls-remote failed. */
  current: string | null;
  changed: boolean;
  /** Commits in recorded..current, newest first (subjects for humans). */
  commits: CommitLine[];
  /** Set when commits could not be listed in full (force-push, fetch failure, truncated). */
  note?: string;
  error?: string;
}

export interface ServiceStatus {
  name: string;
  container: string;
  exists: boolean;
  running: boolean;
  status: string;
  imageId: string | null;
  image: string | null;
  /** Bind mounts of the container (host path → container path), when the runtime reports them. */
  binds?: Array<{ source: string; destination: string }>;
}

export interface CheckResult {
  name: string;
  url: string;
  /** The service this URL is the health of, when it is one. */
  service?: string;
  /** HTTP status code, or null when there was no response. */
  status: number | null;
  ok: boolean;
  error?: string;
}

export interface DigestWarning {
  /** Container name, or the image tag when the tag itself moved. */
  subject: string;
  expected: string;
  actual: string;
  message: string;
  fix: string;
}

export interface SystemAnalysis {
  services: ServiceStatus[];
  checks: CheckResult[];
  digestWarnings: DigestWarning[];
}

export interface Analysis {
  local: LocalAnalysis;
  remote: RemoteRepoStatus[];
  system: SystemAnalysis;
  lastDeploy: LastDeployState | null;
}

export interface Reason {
  /** 'forced': the reason is `ferry deploy --action`, not something the analysis found. */
  scenario: Scenario | 'forced';
  /** One line, e.g. "Remote config changed: cc-master-agent-config (2 new commits)". */
  summary: string;
  /** Commit lines and file names, not counts. */
  details: string[];
}

export interface Decision {
  /** The winning action (strongest of all triggered scenarios). */
  action: DeployAction;
  /** The scenario that produced the winning action. */
  scenario: Scenario;
  /** Every triggered scenario, strongest first. */
  scenarios: Scenario[];
  reasons: Reason[];
  /** rebuild and full restart (and any action marked `confirm: true`) need an explicit yes. */
  needsConfirmation: boolean;
  /** Things a human should know that do not change the action (digest drift, unreachable repos…). */
  warnings: string[];
  /** Set by `--action`: the action was chosen by the user; `analysed` is what the analysis alone decided. */
  forced?: { flag: ForceFlag; analysed: DeployAction };
}

/** `ferry deploy --action` values: the words a user says ("just rebuild"); restart = full restart. */
export type ForceFlag = 'redeploy' | 'rebuild' | 'restart' | 'start' | 'status';

/** `.ferry/last-deploy.json` — the seed's `.last-deploy-state.json`, generalised to N config repos. */
export interface LastDeployState {
  timestamp: string;
  /** Config repo name → commit baked into the image. */
  config_commits: Record<string, string>;
  docker_image_tag: string | null;
  /** sha256:… image id (config digest) of the last build. */
  docker_image_digest: string | null;
  build_timestamp: string | null;
  code_commit: string | null;
  /** Content hashes of dirty and env files at the last deploy (see LocalAnalysis.hashes). */
  file_hashes?: Record<string, string>;
  image_size?: string | null;
  /** Bytes, when ferry's own build measured them. */
  image_size_bytes?: number | null;
  /** How long the last build took (seconds, one decimal). */
  build_duration_seconds?: number | null;
}
