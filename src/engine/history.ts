// Run history across pipelines, read from state files (active and archived).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, FerryError } from '../errors.js';
import { liveHolder } from './lock.js';
import { archiveFile, eventsFile, SAFE_ID, stateFile } from './paths.js';
import { indexedRows } from './run-index.js';
import { summaryOf, type RunSummary } from './run-summary.js';
import { listStateFiles, loadState, type StateFile } from './state-store.js';
import type { FerryEvent, RunState } from './types.js';

export { summarize, type RunSummary } from './run-summary.js';

/** An in-progress run that no live process holds: killed, crashed or its terminal closed. */
export async function isInterrupted(home: string, s: RunState<unknown>, archived: boolean): Promise<boolean> {
  if (archived || s.status !== 'in_progress') return false;
  return (await liveHolder(stateFile(home, s.pipeline, s.run_id))) === null;
}

function names(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function parsed(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The row of one state file; an active one that is corrupt falls back to its `.bak` as loadState does. */
export function summaryOfFile(l: StateFile): RunSummary {
  const row =
    summaryOf(parsed(l.path), l.runId, l.archived) ??
    (l.archived ? null : summaryOf(parsed(`${l.path}.bak`), l.runId, false));
  if (row) return row;
  let mtimeMs = 0;
  try {
    mtimeMs = statSync(l.path).mtimeMs;
  } catch {
    // removed since the directory was read
  }
  return {
    run_id: l.runId,
    pipeline: l.pipeline,
    status: 'corrupt',
    started_at: new Date(mtimeMs).toISOString(),
    finished_at: null,
    duration_ms: null,
    steps_total: 0,
    steps_done: 0,
    archived: l.archived,
    interrupted: false,
  };
}

/**
 * Newest first. Unreadable state files are listed as corrupt rather than hiding the rest.
 * A finished run's row comes from the summary index while its state file is unchanged (run-index.ts);
 * the others are read. NOTE: read synchronously, one after another: state files are small and in the
 * page cache, where a thread-pool round trip per open/stat/read/close (fs/promises, even 32 at a
 * time) costs two to three times the read itself (bench/runs.mjs). Only in-progress runs read their lock.
 */
export async function listRuns(home: string): Promise<RunSummary[]> {
  const rows = indexedRows(home, listStateFiles(home), summaryOfFile);
  await Promise.all(
    rows.map(async (r) => {
      if (r.status === 'in_progress' && !r.archived)
        r.interrupted = (await liveHolder(stateFile(home, r.pipeline, r.run_id))) === null;
    }),
  );
  // ISO timestamps order as strings; a plain comparison, not localeCompare (ICU, per pair).
  return rows.sort((a, b) => (a.started_at < b.started_at ? 1 : a.started_at > b.started_at ? -1 : 0));
}

/** Finds a run by id in any pipeline: one existence check per pipeline, not a scan of every run. @throws STATE_NOT_FOUND */
export async function findRun(home: string, runId: string): Promise<{ state: RunState<unknown>; archived: boolean }> {
  // The id becomes a path segment: one outside the safe alphabet names no run (and no other file).
  const pipeline = SAFE_ID.test(runId)
    ? names(join(home, 'state')).find(
        (p) => existsSync(stateFile(home, p, runId)) || existsSync(archiveFile(home, p, runId)),
      )
    : undefined;
  if (!pipeline)
    throw new FerryError(ErrorCode.STATE_NOT_FOUND, `no run ${runId} under ${home}`, { fix: 'ferry runs list' });
  return loadState(home, pipeline, runId);
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
