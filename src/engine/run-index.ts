// The run history's summary index: `<home>/runs-index.json` keeps each finished run's list row beside
// the identity of the state file it was read from (inode, size, mtime). Listing 2 000 runs then costs
// one stat per file and one small read instead of reading and parsing every state file.
//
// It is a cache and never the truth: a row is used only while its state file is exactly the file it
// was read from (a state save renames a new file into place: new inode and mtime), so a state file
// that is newer always wins. In-progress active runs (rewritten every step, and judged interrupted by
// their lock) and corrupt files are never cached. A missing, unreadable or older-format index is
// rebuilt by the next listing; one that cannot be written (read-only state dir) is simply not kept.
import { readFileSync, statSync } from 'node:fs';
import { writeFileDurable } from './durable-write.js';
import { runsIndexFile } from './paths.js';
import type { RunSummary } from './run-summary.js';

const INDEX_VERSION = 1;

interface Entry {
  ino: number;
  size: number;
  mtime_ms: number;
  row: RunSummary;
}

/** Enough of a row to show it; anything else in the index is a miss (read the state file again). */
function isEntry(e: unknown, runId: string): e is Entry {
  if (typeof e !== 'object' || e === null) return false;
  const { ino, size, mtime_ms, row } = e as Record<string, unknown>;
  if (typeof ino !== 'number' || typeof size !== 'number' || typeof mtime_ms !== 'number') return false;
  if (typeof row !== 'object' || row === null) return false;
  const r = row as Record<string, unknown>;
  return (
    r.run_id === runId &&
    typeof r.pipeline === 'string' &&
    typeof r.status === 'string' &&
    typeof r.started_at === 'string' &&
    (r.finished_at === null || typeof r.finished_at === 'string') &&
    (r.duration_ms === null || typeof r.duration_ms === 'number') &&
    typeof r.steps_total === 'number' &&
    typeof r.steps_done === 'number' &&
    typeof r.archived === 'boolean'
  );
}

function readEntries(home: string): Record<string, unknown> {
  try {
    const v = JSON.parse(readFileSync(runsIndexFile(home), 'utf8')) as { version?: unknown; runs?: unknown };
    if (v?.version === INDEX_VERSION && typeof v.runs === 'object' && v.runs !== null)
      return v.runs as Record<string, unknown>;
  } catch {
    // missing or unreadable: rebuilt below
  }
  return {};
}

/** Which state file a row came from: `<pipeline>/[archive/]<run_id>.json`, and the run id. */
export interface IndexedFile {
  key: string;
  runId: string;
  path: string;
}

/**
 * The rows of `files` in order, from the index where the state file is unchanged and from `read`
 * otherwise (null: the file is gone); the index is rewritten when any row was read or dropped.
 */
export function indexedRows<F extends IndexedFile>(
  home: string,
  files: readonly F[],
  read: (f: F) => RunSummary,
): RunSummary[] {
  const old = readEntries(home);
  const next: Record<string, Entry> = {};
  let kept = 0;
  let dirty = false;
  const rows: RunSummary[] = [];
  for (const f of files) {
    let st;
    try {
      // NOTE: stat before the read: a file replaced in between is cached under the older identity,
      // so the next listing reads it again (the other order would cache old content as new).
      st = statSync(f.path);
    } catch {
      dirty = true;
      continue; // removed (archived, deleted) since the directory was read
    }
    const e = old[f.key];
    if (isEntry(e, f.runId) && e.ino === st.ino && e.size === st.size && e.mtime_ms === st.mtimeMs) {
      next[f.key] = e;
      kept++;
      rows.push({ ...e.row, interrupted: false });
      continue;
    }
    const row = read(f);
    rows.push(row);
    if (row.status === 'corrupt' || (row.status === 'in_progress' && !row.archived)) continue;
    next[f.key] = { ino: st.ino, size: st.size, mtime_ms: st.mtimeMs, row: { ...row, interrupted: false } };
    dirty = true;
  }
  if (dirty || kept !== Object.keys(old).length) {
    try {
      writeFileDurable(runsIndexFile(home), JSON.stringify({ version: INDEX_VERSION, runs: next }) + '\n');
    } catch {
      // a read-only state dir: the list is right, only not cached
    }
  }
  return rows;
}
