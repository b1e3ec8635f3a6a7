// The step runner shared by every pipeline: lock, load or create state, run steps from the first
// one not done, persist after every step, emit events, stop at the first failure.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ErrorCode, FerryError, isFerryError, serializeError } from '../errors.js';
import { writeFailed } from './durable-write.js';
import { createExec, type Exec } from '../util/process.js';
import { EventLog, type Renderer } from './events.js';
import { acquireRunLock, type RunLock } from './lock.js';
import { resultFile, runLogFile, stateFile } from './paths.js';
import { listStates, loadState, saveState, writeJsonAtomic } from './state-store.js';
import type { Logger, RunState, RunStatus, Step, StepContext, StepOutcome, StepRecord } from './types.js';
import { isStaleState } from './staleness.js';

export interface EngineOptions {
  /** The ferry home: `.ferry/` beside ferry.yaml, or FERRY_STATE_DIR / --state-dir. */
  stateDir: string;
  dryRun: boolean;
  verbose: boolean;
  renderer?: Renderer;
  version?: string;
}

export interface PipelineSpec<D> {
  pipeline: string;
  runId: string;
  /** Resume an existing state file (STATE_NOT_FOUND / STATE_CORRUPT otherwise). */
  resume: boolean;
  /** Initial data for a new run; ignored on resume (the persisted data wins). */
  data: D;
  /** Built from the (possibly persisted) data, so a resumed run replays the persisted plan. */
  buildSteps(data: D): Step<D>[];
  /** Derive seed-shaped fields (phases, repos…) from step records before each save. */
  project?(state: RunState<D>): void;
  /** Final status once steps stop: default completed, or failed on error. */
  finalStatus?(state: RunState<D>, failed: boolean): RunStatus;
  /** Printed on failure, e.g. `ferry release --resume release-20260225-a3f7b2`. */
  resumeCommand: string;
  /** Warn about this pipeline's unfinished runs older than 24 h (default true; release does its own). */
  warnStale?: boolean;
}

export { STALE_AFTER_MS } from './staleness.js';

const DONE: ReadonlySet<string> = new Set(['completed', 'skipped']);

export class Run<D> {
  readonly events: EventLog;
  readonly log: Logger;
  readonly exec: Exec;
  private readonly steps: Step<D>[];
  private readonly controller = new AbortController();

  constructor(
    readonly spec: PipelineSpec<D>,
    readonly opts: EngineOptions,
    readonly state: RunState<D>,
    readonly resumed: boolean,
    private readonly lock: RunLock | null,
    private readonly stale: readonly string[] = [],
    private readonly warnings: readonly string[] = [],
  ) {
    const persist = !opts.dryRun;
    this.events = new EventLog(opts.stateDir, spec.runId, spec.pipeline, opts.renderer, persist);
    this.log = {
      info: (message) => this.events.emit({ type: 'log', level: 'info', message }),
      warn: (message) => this.events.emit({ type: 'log', level: 'warn', message }),
      debug: (message) => this.events.emit({ type: 'log', level: 'debug', message }),
    };
    const logPath = runLogFile(opts.stateDir, spec.runId);
    if (persist) {
      try {
        mkdirSync(dirname(logPath), { recursive: true });
      } catch (e) {
        throw writeFailed(logPath, e);
      }
    }
    this.exec = createExec({
      onCommand: (command, cwd) => {
        this.log.debug(`$ ${command}${cwd ? `   (in ${cwd})` : ''}`);
        if (persist) appendLog(logPath, `$ ${command}\n`, spec.resumeCommand);
      },
      onResult: (r) => {
        if (persist)
          appendLog(
            logPath,
            `${r.all ? r.all + '\n' : ''}[exit ${r.exitCode}, ${r.durationMs} ms]\n`,
            spec.resumeCommand,
          );
      },
    });
    this.steps = spec.buildSteps(state.data);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  abort(reason?: string): void {
    this.controller.abort(
      new FerryError(ErrorCode.STEP_FAILED, reason ?? 'interrupted', { fix: this.spec.resumeCommand }),
    );
  }

  emit: EventLog['emit'] = (e) => this.events.emit(e);

  async save(): Promise<void> {
    this.spec.project?.(this.state);
    if (this.opts.dryRun) return;
    try {
      await saveState(this.opts.stateDir, this.state);
    } catch (e) {
      throw withResume(e, this.spec.resumeCommand);
    }
  }

  private context(step: Step<D>, rec: StepRecord): StepContext<D> {
    return {
      runId: this.state.run_id,
      attempt: rec.attempts,
      checkpoint: rec.checkpoint,
      saveCheckpoint: async (value) => {
        rec.checkpoint = value;
        await this.save();
      },
      signal: this.controller.signal,
      log: this.log,
      exec: this.exec,
      data: this.state.data,
      records: this.state.steps,
    };
  }

  /** Dry run: describe every step that is not done, change nothing. */
  private describeAll(): RunState<D> {
    for (const step of this.steps) {
      const rec = this.state.steps[step.id]!;
      if (DONE.has(rec.status)) continue;
      const intents = step.describe(this.context(step, rec));
      this.emit({
        type: 'step.skipped',
        step: step.id,
        title: step.title,
        group: step.group,
        status: 'dry_run',
        data: { intents },
      });
    }
    this.state.status = 'dry_run';
    this.emit({ type: 'run.finished', status: 'dry_run' });
    return this.state;
  }

  /** Runs every step not yet completed/skipped, in order; stops at the first failure. */
  async execute(): Promise<RunState<D>> {
    const steps = this.steps.map((s) => ({
      id: s.id,
      title: s.title,
      group: s.group ?? null,
      status: this.state.steps[s.id]?.status ?? 'pending',
    }));
    this.emit({
      type: this.resumed ? 'run.resumed' : 'run.started',
      status: this.state.status,
      data: { steps, dry_run: this.opts.dryRun },
    });
    for (const w of this.warnings) this.log.warn(w);
    for (const id of this.stale) {
      this.log.warn(
        `stale run ${id}: not completed and untouched for over 24 h; resume it (ferry ${this.spec.pipeline} --resume ${id}) or delete its state file`,
      );
    }
    if (this.opts.dryRun) return this.describeAll();

    this.state.status = 'in_progress';
    delete this.state.finished_at;
    await this.save();
    let failure: unknown = null;
    for (const step of this.steps) {
      const rec = this.state.steps[step.id]!;
      if (failure) {
        rec.status = 'blocked';
        this.emit({ type: 'step.blocked', step: step.id, title: step.title, group: step.group, status: 'blocked' });
        continue;
      }
      if (DONE.has(rec.status)) {
        this.emit({
          type: 'step.skipped',
          step: step.id,
          title: step.title,
          group: step.group,
          status: rec.status,
          message: `already ${rec.detail ?? rec.status}`,
        });
        continue;
      }
      failure = await this.runOne(step, rec);
    }
    this.state.status = this.spec.finalStatus?.(this.state, failure !== null) ?? (failure ? 'failed' : 'completed');
    this.state.finished_at = new Date().toISOString();
    await this.save();
    this.emit({
      type: 'run.finished',
      status: this.state.status,
      data: failure ? { error: serializeError(failure), resume: this.spec.resumeCommand } : {},
    });
    return this.state;
  }

  private async runOne(step: Step<D>, rec: StepRecord): Promise<unknown> {
    rec.status = 'running';
    rec.attempts += 1;
    rec.ts = new Date().toISOString();
    rec.error = null;
    await this.save();
    const ctx = this.context(step, rec);
    if (this.opts.verbose) for (const i of step.describe(ctx)) this.log.debug(`${step.id}: ${i.text}`);
    this.emit({
      type: 'step.started',
      step: step.id,
      title: step.title,
      group: step.group,
      data: { attempt: rec.attempts },
    });
    faultPoint('BEFORE', step.id);
    const started = Date.now();
    // Commands a step runs can tell which step they belong to (hooks, and the crash-matrix wrappers).
    process.env.FERRY_STEP = step.id;
    try {
      this.controller.signal.throwIfAborted();
      let outcome: StepOutcome | void = await step.check?.(ctx);
      const reused = outcome !== undefined;
      if (!outcome) outcome = await step.run(ctx);
      rec.status = outcome?.status ?? 'completed';
      rec.detail = outcome?.detail;
      if (outcome?.output) rec.output = outcome.output;
      rec.durationMs = Date.now() - started;
      rec.ts = new Date().toISOString();
      await this.save();
      this.emit({
        type: rec.status === 'skipped' ? 'step.skipped' : 'step.completed',
        step: step.id,
        title: step.title,
        group: step.group,
        status: rec.detail ?? rec.status,
        message: reused ? 'already done (idempotency check)' : undefined,
        data: { durationMs: rec.durationMs, ...(rec.output ? { output: rec.output } : {}) },
      });
      faultPoint('AFTER', step.id);
      return null;
    } catch (e) {
      const err = namedRun(
        this.controller.signal.aborted && !(e instanceof FerryError) ? this.controller.signal.reason : e,
        this.state.run_id,
      );
      rec.status = 'failed';
      rec.error = serializeError(err);
      rec.durationMs = Date.now() - started;
      rec.ts = new Date().toISOString();
      await this.save();
      this.emit({
        type: 'step.failed',
        step: step.id,
        title: step.title,
        group: step.group,
        status: 'failed',
        message: rec.error.message,
        data: { error: rec.error },
      });
      return err;
    } finally {
      delete process.env.FERRY_STEP;
    }
  }

  async close(): Promise<void> {
    this.events.close();
    await this.lock?.release();
  }
}

/**
 * Adapters do not know the run they serve, so their fix lines say `<run_id>` (a registry's "then: ferry
 * release --resume <run_id>"); once a step of this run failed with one, the fix names the real id.
 */
function namedRun(e: unknown, runId: string): unknown {
  if (!isFerryError(e) || !e.fix?.includes('<run_id>')) return e;
  return new FerryError(e.code, e.message, {
    fix: e.fix.replaceAll('<run_id>', runId),
    retryable: e.retryable,
    details: e.details,
    cause: e.cause,
  });
}

/** A STATE_WRITE_FAILED names the command that resumes this run once there is space again. */
function withResume(e: unknown, resume: string): unknown {
  if (!isFerryError(e) || e.code !== ErrorCode.STATE_WRITE_FAILED) return e;
  return new FerryError(e.code, e.message, {
    fix: `free space or make the state dir writable, then: ${resume}`,
    details: e.details,
  });
}

function appendLog(path: string, text: string, resume: string): void {
  try {
    appendFileSync(path, text);
  } catch (e) {
    throw withResume(writeFailed(path, e), resume);
  }
}

/**
 * Fault injection for crash tests: FERRY_TEST_CRASH=<BEFORE|AFTER>:<step id> (or several, `;`-separated)
 * kills this process with SIGKILL at the first such point, exactly like `kill -9`; with
 * FERRY_CRASH_HIT set, the point is appended to that file first (the crash matrix's record).
 */
function faultPoint(when: 'BEFORE' | 'AFTER', stepId: string): void {
  const f = process.env.FERRY_TEST_CRASH;
  const point = `${when}:${stepId}`;
  if (!f || !f.split(';').includes(point)) return;
  if (process.env.FERRY_CRASH_HIT) appendFileSync(process.env.FERRY_CRASH_HIT, `${point}\n`);
  process.kill(process.pid, 'SIGKILL');
}

function freshState<D>(spec: PipelineSpec<D>, steps: Step<D>[]): RunState<D> {
  const now = new Date().toISOString();
  return {
    schema_version: 1,
    run_id: spec.runId,
    pipeline: spec.pipeline,
    status: 'in_progress',
    started_at: now,
    updated_at: now,
    step_order: steps.map((s) => s.id),
    steps: Object.fromEntries(steps.map((s) => [s.id, { status: 'pending', attempts: 0 } satisfies StepRecord])),
    data: spec.data,
  };
}

/**
 * Lock, then load (resume) or create the run's state. Dry runs take no lock and write nothing.
 * @throws LOCKED, STATE_NOT_FOUND, STATE_CORRUPT
 */
export async function openRun<D>(spec: PipelineSpec<D>, opts: EngineOptions): Promise<Run<D>> {
  const target = stateFile(opts.stateDir, spec.pipeline, spec.runId);
  // A resume that cannot even take its lock (read-only or full state dir) names the resume command, not
  // "the same command": only a fresh run's state does not exist yet.
  const lock = opts.dryRun
    ? null
    : await acquireRunLock(target, `${spec.pipeline} ${spec.runId}`, opts.version).catch((e: unknown) => {
        throw spec.resume ? withResume(e, spec.resumeCommand) : e;
      });
  try {
    let state: RunState<D>;
    let restored: string | null = null;
    if (spec.resume) {
      const loaded = await loadState<D>(opts.stateDir, spec.pipeline, spec.runId);
      state = loaded.state;
      if (loaded.restoredFrom) restored = loaded.restoredFrom;
      // Steps added by a newer plan get records; the persisted order stays authoritative.
      for (const s of spec.buildSteps(state.data)) {
        if (!state.steps[s.id]) {
          state.steps[s.id] = { status: 'pending', attempts: 0 };
          state.step_order.push(s.id);
        }
      }
    } else {
      state = freshState(spec, spec.buildSteps(spec.data));
    }
    const stale =
      spec.resume || spec.warnStale === false ? [] : await staleRuns(opts.stateDir, spec.pipeline, spec.runId);
    const warnings = restored
      ? [`the state file was corrupt; resumed from the last good state ${restored} (steps are idempotent)`]
      : [];
    return new Run(spec, opts, state, spec.resume, lock, stale, warnings);
  } catch (e) {
    await lock?.release();
    throw e;
  }
}

async function staleRuns(home: string, pipeline: string, except: string): Promise<string[]> {
  const out: string[] = [];
  for (const l of await listStates(home)) {
    if (l.pipeline !== pipeline || l.archived || l.runId === except) continue;
    // Judged by the state's own timestamps (a copied or restored file has a fresh mtime).
    const state = await loadState(home, pipeline, l.runId).then(
      (r) => r.state as RunState<unknown>,
      () => null,
    );
    if (isStaleState(state, l.mtimeMs, Date.now())) out.push(l.runId);
  }
  return out;
}

/** .ferry/results/<run_id>/<pipeline>.json — the seeds' ModelSkillResult files. */
export async function writeResult(
  opts: Pick<EngineOptions, 'stateDir'>,
  runId: string,
  pipeline: string,
  result: unknown,
): Promise<string> {
  const path = resultFile(opts.stateDir, runId, pipeline);
  await writeJsonAtomic(path, result);
  return path;
}
