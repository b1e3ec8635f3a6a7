// Where verdicts live: `<verdict_dir>/<service>/<file>` is the latest (what gates read), and
// `<verdict_dir>/<service>/runs/<run_id>/<file>` keeps every run's verdict as history.

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readTextOrNull } from '../util/fs.js';
import {
  parseVerdict,
  renderVerdict,
  VERDICT_FILE,
  type Verdict,
  type VerdictInput,
  type VerdictKind,
} from './verdict.js';

export function latestVerdictPath(verdictDir: string, service: string, kind: VerdictKind): string {
  return join(verdictDir, service, VERDICT_FILE[kind]);
}

export function historyVerdictPath(verdictDir: string, service: string, kind: VerdictKind, runId: string): string {
  return join(verdictDir, service, 'runs', runId, VERDICT_FILE[kind]);
}

async function writeAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** Write the history copy first, then replace the latest; returns both paths. */
export async function writeVerdict(verdictDir: string, v: VerdictInput): Promise<{ latest: string; history: string }> {
  const text = renderVerdict(v);
  const history = historyVerdictPath(verdictDir, v.service, v.kind, v.run_id);
  const latest = latestVerdictPath(verdictDir, v.service, v.kind);
  await writeAtomic(history, text);
  await writeAtomic(latest, text);
  return { latest, history };
}

/** The latest verdict, or null when none was written yet. @throws STATE_CORRUPT on a malformed file. */
export async function readLatestVerdict(
  verdictDir: string,
  service: string,
  kind: VerdictKind,
): Promise<(Verdict & { path: string }) | null> {
  const path = latestVerdictPath(verdictDir, service, kind);
  const text = await readTextOrNull(path);
  if (text === null) return null;
  return { ...parseVerdict(text, kind, path), path };
}
