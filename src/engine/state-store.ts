// Atomic, redacted state files: temp file + fsync + rename (write-file-atomic), after every step.
import { mkdir, readFile, readdir, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { ErrorCode, FerryError } from '../errors.js';
import { redactDeep } from './redact.js';
import { archiveFile, stateFile } from './paths.js';
import type { RunState } from './types.js';

const madeDirs = new Set<string>();

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const dir = dirname(path);
  if (!madeDirs.has(dir)) {
    await mkdir(dir, { recursive: true });
    madeDirs.add(dir);
  }
  // NOTE: the sync form on purpose: steps run one at a time, and each of write-file-atomic's ten
  // async fs calls (realpath, stat, open, write, fsync, close, chown, chmod, rename…) would
  // otherwise be a thread-pool round trip; this halves the engine's per-step cost.
  writeFileAtomic.sync(path, JSON.stringify(redactDeep(value), null, 2) + '\n', { fsync: true });
}

export async function saveState<D>(home: string, state: RunState<D>): Promise<void> {
  state.updated_at = new Date().toISOString();
  await writeJsonAtomic(stateFile(home, state.pipeline, state.run_id), state);
}

function isRunState(v: unknown): v is RunState<unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.run_id === 'string' &&
    typeof s.pipeline === 'string' &&
    Array.isArray(s.step_order) &&
    typeof s.steps === 'object' &&
    s.steps !== null
  );
}

/**
 * @throws STATE_NOT_FOUND when neither the active nor the archived file exists,
 *         STATE_CORRUPT when it cannot be parsed or lacks the engine fields.
 */
export async function loadState<D>(
  home: string,
  pipeline: string,
  runId: string,
): Promise<{ state: RunState<D>; archived: boolean }> {
  for (const [path, archived] of [
    [stateFile(home, pipeline, runId), false],
    [archiveFile(home, pipeline, runId), true],
  ] as const) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw corrupt(path, pipeline, 'not valid JSON');
    }
    if (!isRunState(parsed) || parsed.run_id !== runId)
      throw corrupt(path, pipeline, 'missing run_id, step_order or steps');
    return { state: parsed as RunState<D>, archived };
  }
  throw new FerryError(ErrorCode.STATE_NOT_FOUND, `no ${pipeline} run ${runId} in ${join(home, 'state', pipeline)}`, {
    fix: `ferry runs list   # or start a fresh run without --resume`,
  });
}

function corrupt(path: string, pipeline: string, why: string): FerryError {
  return new FerryError(ErrorCode.STATE_CORRUPT, `state file ${path} is corrupt (${why}); it cannot be resumed`, {
    fix: `rm ${path} && ferry ${pipeline}   # start a fresh run`,
    details: { path },
  });
}

export async function archiveState(home: string, pipeline: string, runId: string): Promise<string> {
  const to = archiveFile(home, pipeline, runId);
  await mkdir(dirname(to), { recursive: true });
  await rename(stateFile(home, pipeline, runId), to);
  return to;
}

export interface StateListing {
  pipeline: string;
  runId: string;
  path: string;
  archived: boolean;
  mtimeMs: number;
}

/** Every state file (active and archived) across pipelines. */
export async function listStates(home: string): Promise<StateListing[]> {
  const out: StateListing[] = [];
  const root = join(home, 'state');
  let pipelines: string[] = [];
  try {
    pipelines = await readdir(root);
  } catch {
    return out;
  }
  for (const pipeline of pipelines) {
    for (const [dir, archived] of [
      [join(root, pipeline), false],
      [join(root, pipeline, 'archive'), true],
    ] as const) {
      let names: string[] = [];
      try {
        names = await readdir(dir);
      } catch {
        continue;
      }
      for (const n of names) {
        // NOTE: a killed run leaves its `<run_id>.json.lock.owner.json` behind; it is not a run.
        if (!n.endsWith('.json') || n.endsWith('.lock.owner.json')) continue;
        const path = join(dir, n);
        const st = await stat(path);
        out.push({ pipeline, runId: n.slice(0, -5), path, archived, mtimeMs: st.mtimeMs });
      }
    }
  }
  return out;
}
