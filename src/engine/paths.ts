// Where a run's files live, all under one ferry home (`.ferry/` beside ferry.yaml, or FERRY_STATE_DIR).
import { join } from 'node:path';

export function stateFile(home: string, pipeline: string, runId: string): string {
  return join(home, 'state', pipeline, `${runId}.json`);
}
export function archiveFile(home: string, pipeline: string, runId: string): string {
  return join(home, 'state', pipeline, 'archive', `${runId}.json`);
}
export function eventsFile(home: string, runId: string): string {
  return join(home, 'runs', runId, 'events.jsonl');
}
export function runLogFile(home: string, runId: string): string {
  return join(home, 'runs', runId, 'commands.log');
}
export function resultFile(home: string, runId: string, pipeline: string): string {
  return join(home, 'results', runId, `${pipeline}.json`);
}

/** Run ids and pipeline names become path segments: keep them to a safe alphabet. */
export const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** The run history's summary index (engine/run-index.ts): a cache of `ferry runs list` rows. */
export function runsIndexFile(home: string): string {
  return join(home, 'runs-index.json');
}
