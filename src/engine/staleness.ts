// When a run was last touched, read from the state's own timestamps. The file's mtime is not it: a
// copy, a restore from backup, `touch`, or a checkout of the state directory all reset the mtime and
// would make a week-old run look fresh (or a fresh one look old).

import type { RunState } from './types.js';

/** A run not completed and untouched this long is stale (DESIGN.md "State"). */
export const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

function parsed(ts: unknown): number | null {
  if (typeof ts !== 'string') return null;
  const ms = Date.parse(ts);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * The newest timestamp the state records: `updated_at`, `finished_at`, `started_at` and every step's
 * `ts`. `fallbackMs` (the file's mtime) only when the state holds none (an unreadable or foreign file).
 */
export function lastTouchedMs(state: Partial<RunState<unknown>> | null | undefined, fallbackMs: number): number {
  const stamps = [state?.updated_at, state?.finished_at, state?.started_at]
    .concat(Object.values(state?.steps ?? {}).map((r) => r?.ts))
    .map(parsed)
    .filter((ms): ms is number => ms !== null);
  return stamps.length ? Math.max(...stamps) : fallbackMs;
}

/** Stale: not completed (nor a dry run) and not touched for STALE_AFTER_MS by its own timestamps. */
export function isStaleState(
  state: Partial<RunState<unknown>> | null | undefined,
  fallbackMs: number,
  nowMs: number,
): boolean {
  if (state?.status === 'completed' || state?.status === 'dry_run') return false;
  return nowMs - lastTouchedMs(state, fallbackMs) > STALE_AFTER_MS;
}
