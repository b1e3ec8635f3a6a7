// Run history across pipelines, read from state files (active and archived).
import { readFile } from 'node:fs/promises';
import { ErrorCode, FerryError } from '../errors.js';
import { liveHolder } from './lock.js';
import { eventsFile, stateFile } from './paths.js';
import { listStates, loadState } from './state-store.js';
import { mapLimit } from '../util/concurrency.js';
import type { FerryEvent, RunState } from './types.js';

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

export function summarize(s: RunState<unknown>, archived: boolean, interrupted = false): RunSummary {
  const records = Object.values(s.steps);
  const end = s.finished_at ?? (s.status === 'in_progress' ? null : s.updated_at);
  return {
    run_id: s.run_id,
    pipeline: s.pipeline,
    status: s.status,
    started_at: s.started_at,
    finished_at: s.finished_at ?? null,
    duration_ms: end ? Date.parse(end) - Date.parse(s.started_at) : null,
    steps_total: records.length,
    steps_done: records.filter((r) => r.status === 'completed' || r.status === 'skipped').length,
    archived,
    interrupted,
  };
}

/** An in-progress run that no live process holds: killed, crashed or its terminal closed. */
export async function isInterrupted(home: string, s: RunState<unknown>, archived: boolean): Promise<boolean> {
  if (archived || s.status !== 'in_progress') return false;
  return (await liveHolder(stateFile(home, s.pipeline, s.run_id))) === null;
}

/** State files read and parsed at once: overlaps the thread pool's open/read/close round trips. */
const READ_CONCURRENCY = 32;

/** Newest first. Unreadable state files are listed as corrupt rather than hiding the rest. */
export async function listRuns(home: string): Promise<RunSummary[]> {
  const out = await mapLimit(await listStates(home), READ_CONCURRENCY, async (l): Promise<RunSummary> => {
    try {
      const { state } = await loadState(home, l.pipeline, l.runId);
      return summarize(state, l.archived, await isInterrupted(home, state, l.archived));
    } catch {
      // listed as corrupt below
    }
    return {
      run_id: l.runId,
      pipeline: l.pipeline,
      status: 'corrupt',
      started_at: new Date(l.mtimeMs).toISOString(),
      finished_at: null,
      duration_ms: null,
      steps_total: 0,
      steps_done: 0,
      archived: l.archived,
      interrupted: false,
    };
  });
  return out.sort((a, b) => b.started_at.localeCompare(a.started_at));
}

/** Finds a run by id in any pipeline. @throws STATE_NOT_FOUND */
export async function findRun(home: string, runId: string): Promise<{ state: RunState<unknown>; archived: boolean }> {
  const hit = (await listStates(home)).find((l) => l.runId === runId);
  if (!hit)
    throw new FerryError(ErrorCode.STATE_NOT_FOUND, `no run ${runId} under ${home}`, { fix: 'ferry runs list' });
  return loadState(home, hit.pipeline, runId);
}

export async function readEvents(home: string, runId: string): Promise<FerryEvent[]> {
  let text: string;
  try {
    text = await readFile(eventsFile(home, runId), 'utf8');
  } catch {
    throw new FerryError(ErrorCode.STATE_NOT_FOUND, `no events for run ${runId} under ${home}`, {
      fix: 'ferry runs list',
    });
  }
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as FerryEvent);
}
