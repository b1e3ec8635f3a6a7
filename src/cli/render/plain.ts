// Plain lines for logs, pipes and CI: one line per step transition, no cursor movement. Progress and
// diagnostics go to stderr; what a --dry-run would do (its heading and every step's commands) is the
// command's output, so it goes to stdout beside the plan: `ferry release --dry-run > plan.txt` keeps it all.
import type { Renderer } from '../../engine/events.js';
import type { FerryEvent, Intent } from '../../engine/types.js';
import type { Style } from './style.js';

/** Where the dry-run plan lines go, with their own colour decision (stdout may be a file while stderr is a terminal). */
export interface PlanOutput {
  write(s: string): void;
  style: Style;
}

/** A line of the dry run's plan (not progress): the dry-run heading and each step's intents. */
export function isPlanEvent(e: FerryEvent): boolean {
  if (e.type === 'run.started' || e.type === 'run.resumed') return Boolean(e.data?.dry_run);
  return e.type === 'step.skipped' && e.status === 'dry_run';
}

export class PlainRenderer implements Renderer {
  private readonly plan: PlanOutput;

  constructor(
    private readonly style: Style,
    private readonly verbose: boolean,
    private readonly write: (s: string) => void = (s) => process.stderr.write(s),
    plan?: PlanOutput,
  ) {
    this.plan = plan ?? { write: (s) => process.stdout.write(s), style };
  }

  event(e: FerryEvent): void {
    const toPlan = isPlanEvent(e);
    const line = this.format(e, toPlan ? this.plan.style : this.style);
    if (line !== null) (toPlan ? this.plan.write : this.write)(line + '\n');
  }

  private finished(e: FerryEvent, s: Style): string | null {
    if (e.status === 'dry_run') return s.dim('dry run: nothing was changed');
    const err = e.data?.error as { code: string; message: string; fix: string | null } | undefined;
    const good = e.status === 'completed' || e.status === undefined;
    if (!err)
      return good ? s.ok(`✓ ${e.pipeline} ${e.run_id} completed`) : s.bad(`✗ ${e.pipeline} ${e.run_id} ${e.status}`);
    const lines = [
      s.bad(`✗ ${e.pipeline} ${e.run_id} ${e.status ?? 'failed'}: [${err.code}] ${err.message.split('\n')[0]}`),
    ];
    if (err.fix) lines.push(`  fix:    ${err.fix}`);
    if (typeof e.data?.resume === 'string') lines.push(`  resume: ${e.data.resume}`);
    return lines.join('\n');
  }

  format(e: FerryEvent, s: Style = this.style): string | null {
    const name = e.step ?? '';
    switch (e.type) {
      case 'run.started':
      case 'run.resumed':
        // A dry run starts nothing: say what it is, so the step list below is not read as a live run.
        if (e.data?.dry_run)
          return s.bold(
            `Dry run of ${e.pipeline} ${e.run_id}: every step and command it would run; nothing is changed`,
          );
        return s.bold(`${e.type === 'run.resumed' ? 'Resuming' : 'Starting'} ${e.pipeline} ${e.run_id}`);
      case 'step.started':
        return `${s.dim('▶')} ${name}  ${s.dim(e.title ?? '')}`;
      case 'step.completed':
        return `${s.ok('✓')} ${name}${e.message ? s.dim(` (${e.message})`) : ''}${durationOf(e, s)}`;
      case 'step.skipped':
        if (e.status === 'dry_run') return formatIntents(e, s);
        return `${s.dim('↷')} ${name} ${s.dim(e.message ?? e.status ?? 'skipped')}`;
      case 'step.failed':
        return `${s.bad('✗')} ${name}: ${e.message ?? 'failed'}`;
      case 'step.blocked':
        return `${s.warn('■')} ${name} ${s.dim('blocked')}`;
      case 'gate.requested':
        return s.warn(`⏸ gate: ${e.message ?? 'approval requested'}`);
      case 'gate.approved':
        return s.ok(`✓ gate approved${e.message ? `: ${e.message}` : ''}`);
      case 'gate.rejected':
        // status carries the error code: only a human's "reject" is a rejection.
        return s.bad(
          `✗ gate ${e.status === 'GATE_UNAVAILABLE' ? 'unavailable' : e.status === 'GATE_TIMEOUT' ? 'timed out' : 'rejected'}${e.message ? `: ${e.message}` : ''}`,
        );
      case 'log':
        if (e.level === 'debug' && !this.verbose) return null;
        if (e.level === 'warn') return s.warn(`! ${e.message ?? ''}`);
        return e.level === 'debug' ? s.dim(`  ${e.message ?? ''}`) : `  ${e.message ?? ''}`;
      case 'run.finished':
        return this.finished(e, s);
    }
  }
}

function durationOf(e: FerryEvent, s: Style): string {
  const ms = e.data?.durationMs;
  return typeof ms === 'number' ? s.dim(` ${formatMs(ms)}`) : '';
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** `850 ms`, `4.2 s`, `3m12s`; a run left open for hours or days reads `5h07m` or `3d 4h`, not `4320m0s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < HOUR_MS) return `${Math.floor(ms / 60_000)}m${Math.floor((ms % 60_000) / 1000)}s`;
  if (ms < DAY_MS)
    return `${Math.floor(ms / HOUR_MS)}h${String(Math.floor((ms % HOUR_MS) / 60_000)).padStart(2, '0')}m`;
  return `${Math.floor(ms / DAY_MS)}d ${Math.floor((ms % DAY_MS) / HOUR_MS)}h`;
}

function formatIntents(e: FerryEvent, s: Style): string {
  const intents = (e.data?.intents ?? []) as Intent[];
  const head = `${s.dim('[dry-run]')} ${e.step ?? ''}${e.title ? s.dim(`  ${e.title}`) : ''}`;
  return [head, ...intents.map((i) => `    ${i.kind === 'exec' ? '$ ' : ''}${i.text}`)].join('\n');
}
