// One row of the run history (`ferry runs list`, the dashboard's run list, completion), built from a
// state file. Only the fields the row shows are checked: the list must neither validate every step's
// detail and data (that is what made it slow) nor crash on a file that lacks what it shows.
import type { RunState } from './types.js';

export interface RunSummary {
  run_id: string;
  pipeline: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  steps_total: number;
  steps_done: number;
  archived: boolean;
  /** In progress, but no live process holds its lock (killed or crashed): it waits for --resume. */
  interrupted: boolean;
}

const ms = (ts: string): number | null => {
  const t = Date.parse(ts);
  return Number.isFinite(t) ? t : null;
};

export function summarize(s: RunState<unknown>, archived: boolean, interrupted = false): RunSummary {
  const records = Object.values(s.steps);
  const end = s.finished_at ?? (s.status === 'in_progress' ? null : s.updated_at);
  const start = ms(s.started_at);
  const stop = end ? ms(end) : null;
  return {
    run_id: s.run_id,
    pipeline: s.pipeline,
    status: s.status,
    started_at: s.started_at,
    finished_at: s.finished_at ?? null,
    duration_ms: start !== null && stop !== null ? stop - start : null,
    steps_total: records.length,
    steps_done: records.filter((r) => r.status === 'completed' || r.status === 'skipped').length,
    archived,
    interrupted,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const optString = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';

/**
 * The row for a parsed state file, or null when the file lacks a field the row shows (it is then
 * listed as corrupt). `interrupted` is left false: it needs the lock, which only in-progress runs read.
 */
export function summaryOf(v: unknown, runId: string, archived: boolean): RunSummary | null {
  if (!isObject(v) || v.run_id !== runId || typeof v.pipeline !== 'string' || typeof v.status !== 'string') return null;
  if (typeof v.started_at !== 'string' || !optString(v.updated_at) || !optString(v.finished_at)) return null;
  if (!Array.isArray(v.step_order) || !isObject(v.steps)) return null;
  for (const r of Object.values(v.steps)) if (!isObject(r)) return null;
  return summarize(v as unknown as RunState<unknown>, archived);
}
