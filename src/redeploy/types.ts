// Shapes of the redeploy pipeline (seed redeploy-prompt.md): phases, their statuses, persisted data.

import type { RedeployConfig } from '../config/sections/redeploy.js';
import type { ContainerRuntime } from '../adapters/runtime/types.js';
import type { Notifier } from '../adapters/notify/types.js';
import type { SecretsStore } from '../adapters/secrets/types.js';

export const PHASES = [
  'SYNC',
  'ENV_CHECK',
  'WORKTREE',
  'PIN_UPDATE',
  'DEPLOY',
  'INFISICAL',
  'VERIFY',
  'NOTIFY',
] as const;
export type Phase = (typeof PHASES)[number];

/** The seed's phase statuses (plus `running` while a phase executes). */
export type PhaseStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped_by_flag' | 'skipped_no_infisical';

export interface PhaseRecord {
  status: PhaseStatus;
  ts?: string;
  [extra: string]: unknown;
}

export interface RedeployFlags {
  skip_sync: boolean;
  skip_dockerfile_update: boolean;
  /** --skip-secrets / --skip-infisical */
  skip_secrets: boolean;
  verify_only: boolean;
  /** --allow-unmatched: PIN_UPDATE skips packages the Dockerfile does not pin; VERIFY checks only the pins applied. */
  allow_unmatched?: boolean;
  /** --allow-downgrade: PIN_UPDATE may move a pin to a lower version. */
  allow_downgrade?: boolean;
}

/** A pin PIN_UPDATE changed: what the Dockerfile said (a version, or a range) and the version now pinned. */
export interface PinApplied {
  from: string | null;
  to: string;
}

/** Persisted pipeline data: the seed's state-file fields, plus what resume needs. */
export interface RedeployData {
  run_id: string;
  worktree_ticket: string;
  worktree_path: string | null;
  worktree_ref: string;
  versions_requested: Record<string, string>;
  started_at: string;
  phases: Record<Phase, PhaseRecord>;
  flags: RedeployFlags;
  /** DEPLOY output: image built, per service the container and image it runs. */
  image_id?: string | null;
  services?: Record<string, { container: string; container_id: string; image_id: string }>;
  pins_applied?: Record<string, PinApplied> | null;
  /** Requested packages the Dockerfile does not pin (skipped, never silently passed on). */
  not_in_dockerfile?: string[];
  /** Images ferry tagged `<image>:<run_id>` and removed after DEPLOY (keep_images). */
  pruned_images?: string[];
}

/** Paths and environment resolved once at start (not persisted; recomputed on resume). */
export interface RedeployEnvContext {
  config: RedeployConfig;
  /** Directory holding the repos (config `workspace`). */
  workspaceDir: string;
  /** The ferry home (.ferry/). */
  stateDir: string;
  /** Environment after sourcing the env file (file values win, like `source`). */
  env: Record<string, string>;
  /** The configured env file, resolved, and whether it exists (a missing one is named in ENV_MISSING). */
  envFile?: { path: string; exists: boolean };
  /** Package repos from config (SYNC defaults). */
  packageRepos: string[];
  /** Every pin change, checked against the repo's Dockerfile before SYNC (the dry run prints it). */
  pinPreview?: string[];
}

/** Adapters the steps use; injected so tests and the CLI choose implementations. */
export interface RedeployDeps {
  runtime: () => ContainerRuntime;
  secrets?: (opts: {
    addr: string;
    clientId: string;
    clientSecret: string;
    envNames?: { clientId: string; clientSecret: string };
  }) => SecretsStore;
  /** Built lazily in NOTIFY from the sourced env (Slack token/channel may come from the env file). */
  notifier?: (env: Record<string, string>) => Notifier | Promise<Notifier>;
  /** Human lines that belong on stdout (seed output patterns). */
  print: (line: string) => void;
  /** --json: those lines go to the engine's renderer as `log` events instead (stdout stays NDJSON, the dry-run plan is not lost). */
  printAsEvents?: boolean;
}
