// One error type for every expected failure. Decisions read `code`, never the class.
// Codes are a closed `as const` set; old names stay as aliases so old state files still load.

export const ErrorCode = {
  // release (seed release-SKILL.md error table)
  GRAPH_DRIFT: 'GRAPH_DRIFT',
  NOTHING_TO_RELEASE: 'NOTHING_TO_RELEASE',
  WORKTREE_CONFLICT: 'WORKTREE_CONFLICT',
  WORKTREE_DIRTY: 'WORKTREE_DIRTY',
  LINT_FAILED: 'LINT_FAILED',
  LOCK_FAILED: 'LOCK_FAILED',
  PR_FAILED: 'PR_FAILED',
  MERGE_FAILED: 'MERGE_FAILED',
  TAG_CONFLICT: 'TAG_CONFLICT',
  PYPI_TIMEOUT: 'PYPI_TIMEOUT',
  TIER_BLOCKED: 'TIER_BLOCKED',
  GATE_REJECTED: 'GATE_REJECTED',
  GATE_TIMEOUT: 'GATE_TIMEOUT',
  INVALID_GATE_TOKEN: 'INVALID_GATE_TOKEN',
  STATE_CORRUPT: 'STATE_CORRUPT',
  STATE_NOT_FOUND: 'STATE_NOT_FOUND',
  /** A state, event or result file could not be written (disk full, read-only); the previous one is intact. */
  STATE_WRITE_FAILED: 'STATE_WRITE_FAILED',
  // release, general
  PUBLISH_FAILED: 'PUBLISH_FAILED',
  PUBLISH_CONFLICT: 'PUBLISH_CONFLICT',
  /** A package's last release tag (made by ferry) exists but its version is not on the registry (fix: ferry release --recover). */
  TAGGED_NOT_PUBLISHED: 'TAGGED_NOT_PUBLISHED',
  PUSH_FAILED: 'PUSH_FAILED',
  GATE_UNAVAILABLE: 'GATE_UNAVAILABLE',
  PLAN_CHANGED: 'PLAN_CHANGED',
  /** A proposed version is not above the current one or is already tagged (checked before the gate). */
  VERSION_EXISTS: 'VERSION_EXISTS',
  // config, usage, engine
  CONFIG_INVALID: 'CONFIG_INVALID',
  CONFIG_NOT_FOUND: 'CONFIG_NOT_FOUND',
  DEPENDENCY_CYCLE: 'DEPENDENCY_CYCLE',
  USAGE: 'USAGE',
  LOCKED: 'LOCKED',
  STATE_STALE: 'STATE_STALE',
  COMMAND_FAILED: 'COMMAND_FAILED',
  COMMAND_TIMEOUT: 'COMMAND_TIMEOUT',
  STEP_FAILED: 'STEP_FAILED',
  // redeploy / deploy / promote
  ENV_MISSING: 'ENV_MISSING',
  SYNC_FAILED: 'SYNC_FAILED',
  PIN_UNMATCHED: 'PIN_UNMATCHED',
  /** A requested version the Dockerfile's pin does not admit (above its range, excluded) or a downgrade. */
  PIN_CONFLICT: 'PIN_CONFLICT',
  DEPLOY_FAILED: 'DEPLOY_FAILED',
  SECRETS_FAILED: 'SECRETS_FAILED',
  HEALTH_FAILED: 'HEALTH_FAILED',
  VERSION_MISMATCH: 'VERSION_MISMATCH',
  DIGEST_MISMATCH: 'DIGEST_MISMATCH',
  STAGING_FAILED: 'STAGING_FAILED',
  STAGING_STALE: 'STAGING_STALE',
  SELF_RESTART_REFUSED: 'SELF_RESTART_REFUSED',
  CONFIRMATION_REQUIRED: 'CONFIRMATION_REQUIRED',
  RUNTIME_UNAVAILABLE: 'RUNTIME_UNAVAILABLE',
  NOT_FOUND: 'NOT_FOUND',
  NOTIFY_FAILED: 'NOTIFY_FAILED',
  /** A manifest edit found nothing to change where the reader found a value, or the editor failed. */
  MANIFEST_EDIT_FAILED: 'MANIFEST_EDIT_FAILED',
  /** A package to release does not build, or its built metadata is not publishable (checked before the gate). */
  PREFLIGHT_FAILED: 'PREFLIGHT_FAILED',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Exit status for the CLI: 1 = run failed, 2 = bad usage or config. */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCode.CONFIG_INVALID,
  ErrorCode.CONFIG_NOT_FOUND,
  ErrorCode.DEPENDENCY_CYCLE,
  ErrorCode.USAGE,
  ErrorCode.INVALID_GATE_TOKEN,
  ErrorCode.VERSION_EXISTS,
  // A run id that names no run (`--resume nope`, `runs show nope`) is bad input, like an unknown package.
  ErrorCode.STATE_NOT_FOUND,
  // Versions that do not fit the Dockerfile are bad input, caught before anything changes.
  ErrorCode.PIN_UNMATCHED,
  ErrorCode.PIN_CONFLICT,
]);

export interface FerryErrorOptions {
  /** The exact command that fixes the problem or resumes the run. */
  fix?: string;
  retryable?: boolean;
  cause?: unknown;
  /** Structured, serialisable facts (tag, exitCode, status, file, line, key…). */
  details?: Record<string, unknown>;
}

export class FerryError extends Error {
  readonly code: ErrorCode;
  readonly fix: string | undefined;
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;
  readonly isFerryError = true;

  constructor(code: ErrorCode, message: string, opts: FerryErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'FerryError';
    this.code = code;
    this.fix = opts.fix;
    this.retryable = opts.retryable ?? false;
    this.details = opts.details ?? {};
  }

  get exitCode(): 1 | 2 {
    return USAGE_CODES.has(this.code) ? 2 : 1;
  }

  toJSON(): SerializedError {
    return {
      code: this.code,
      message: this.message,
      fix: this.fix ?? null,
      retryable: this.retryable,
      details: this.details,
    };
  }
}

export interface SerializedError {
  code: string;
  message: string;
  fix: string | null;
  retryable: boolean;
  details: Record<string, unknown>;
}

/** Works across duplicate copies of this module (no `instanceof`). */
export function isFerryError(e: unknown): e is FerryError {
  return typeof e === 'object' && e !== null && (e as { isFerryError?: unknown }).isFerryError === true;
}

export function serializeError(e: unknown): SerializedError {
  if (isFerryError(e)) return e.toJSON();
  const message = e instanceof Error ? e.message : String(e);
  return { code: ErrorCode.INTERNAL, message, fix: null, retryable: false, details: {} };
}
