// The engine contract every pipeline (release, redeploy, deploy, stage, promote) is built on.
// A pipeline turns config + flags into a plan (pure data), then into an ordered list of Steps.
// The engine runs the steps, persists state after each one, and emits events.

import type { SerializedError } from '../errors.js';
import type { Exec } from '../util/process.js';

export type StepStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'blocked';

/** One thing a step would do, printed by --dry-run and --verbose. */
export interface Intent {
  /** exec: a command (argv joined for display); edit: a file change; api: a remote call; note: anything else. */
  kind: 'exec' | 'edit' | 'api' | 'note';
  text: string;
}

export interface StepRecord {
  status: StepStatus;
  /** ISO time of the last status change. */
  ts?: string;
  attempts: number;
  /** Seed status words that are more specific than `status` (e.g. skipped_by_flag, skipped_no_infisical). */
  detail?: string;
  /** Last value saved by ctx.checkpoint(); handed back on resume. */
  checkpoint?: unknown;
  /** Whatever run() returned (serialisable): image ids, pr numbers, pins_applied… */
  output?: Record<string, unknown>;
  error?: SerializedError | null;
  durationMs?: number;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** Only shown with --verbose (always written to the run log). */
  debug(message: string): void;
}

export interface StepContext<D> {
  runId: string;
  /** 1 on first execution, incremented on each resume that re-enters this step. */
  attempt: number;
  checkpoint: unknown;
  /** Save progress inside a long step; persisted immediately and handed back as `checkpoint` on resume. */
  saveCheckpoint(value: unknown): Promise<void>;
  signal: AbortSignal;
  log: Logger;
  /** Process runner bound to this run (redaction, run log, --verbose echo). */
  exec: Exec;
  /** The pipeline's own persisted data (seed-shaped fields). Mutate it; it is saved after the step. */
  data: D;
  /** Records of all steps so far (read-only view) so a step can read an earlier step's output. */
  records: Readonly<Record<string, StepRecord>>;
}

export interface StepOutcome {
  /** Default 'completed'. 'skipped' needs a detail such as 'skipped_by_flag'. */
  status?: 'completed' | 'skipped';
  detail?: string;
  output?: Record<string, unknown>;
}

export interface Step<D> {
  /** Stable across resume, e.g. "omnibase_spi/BUMP" or "SYNC". */
  id: string;
  title: string;
  /** For rendering: the package or phase this step belongs to. */
  group?: string;
  /** Pure: what run() would do. Used by --dry-run and --verbose. */
  describe(ctx: StepContext<D>): Intent[];
  /**
   * Idempotency check: is the side effect already there? If it returns a StepOutcome the
   * engine records that outcome and does not call run(). Return undefined to run.
   */
  check?(ctx: StepContext<D>): Promise<StepOutcome | undefined>;
  run(ctx: StepContext<D>): Promise<StepOutcome | void>;
}

export type RunStatus = 'in_progress' | 'completed' | 'failed' | 'partial' | 'dry_run';

/** The state file: engine fields + the pipeline's seed-shaped data spread at top level. */
export interface RunState<D> {
  schema_version: 1;
  run_id: string;
  pipeline: string;
  status: RunStatus;
  started_at: string;
  updated_at: string;
  finished_at?: string;
  /** Step order as planned; resume re-enters at the first not completed/skipped. */
  step_order: string[];
  steps: Record<string, StepRecord>;
  data: D;
}

export type EventType =
  | 'run.started'
  | 'run.resumed'
  | 'step.started'
  | 'step.skipped'
  | 'step.completed'
  | 'step.failed'
  | 'step.blocked'
  | 'gate.requested'
  | 'gate.approved'
  | 'gate.rejected'
  | 'log'
  | 'run.finished';

export interface FerryEvent {
  ts: string;
  run_id: string;
  pipeline: string;
  type: EventType;
  step?: string;
  title?: string;
  group?: string;
  status?: string;
  level?: 'info' | 'warn' | 'debug';
  message?: string;
  data?: Record<string, unknown>;
}

export interface EventSink {
  emit(event: Omit<FerryEvent, 'ts' | 'run_id' | 'pipeline'>): void;
}
