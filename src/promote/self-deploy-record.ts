// The self-deploy record: one JSON file per run under .ferry/self-deploy/<service>/<run_id>/, plus a
// `pending` pointer so `ferry finalize` (in the new container, or at the next ferry start) finds it.

import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../engine/state-store.js';
import { ErrorCode, FerryError } from '../errors.js';

export type SelfDeployPhase = 'approval_pending' | 'approved' | 'hook_launched' | 'finalized';

export interface SelfDeployRecord {
  run_id: string;
  service: string;
  environment: string;
  phase: SelfDeployPhase;
  created_at: string;
  updated_at: string;
  gate_token: string | null;
  source_image_id: string;
  previous_image_id: string | null;
  hook_argv: string[];
  host: string | null;
  pid: number | null;
  exit_file: string;
  log_file: string;
  launched_at: string | null;
  hook_exit_code: number | null;
  deploy_status: 'SUCCESS' | 'FAILED' | null;
  finalized_at: string | null;
}

export function selfDeployDir(home: string, service: string, runId: string): string {
  return join(home, 'self-deploy', service, runId);
}
const recordPath = (home: string, service: string, runId: string): string =>
  join(selfDeployDir(home, service, runId), 'record.json');
const pendingPath = (home: string, service: string): string => join(home, 'self-deploy', service, 'pending');

export async function saveRecord(home: string, r: SelfDeployRecord): Promise<void> {
  r.updated_at = new Date().toISOString();
  await writeJsonAtomic(recordPath(home, r.service, r.run_id), r);
  if (r.phase === 'finalized') await rm(pendingPath(home, r.service), { force: true });
  else {
    await mkdir(join(home, 'self-deploy', r.service), { recursive: true });
    await writeFile(pendingPath(home, r.service), r.run_id + '\n');
  }
}

/** @throws STATE_NOT_FOUND, STATE_CORRUPT */
export async function loadRecord(home: string, service: string, runId: string): Promise<SelfDeployRecord> {
  let text: string;
  try {
    text = await readFile(recordPath(home, service, runId), 'utf8');
  } catch {
    throw new FerryError(ErrorCode.STATE_NOT_FOUND, `no self-deploy run ${runId} for ${service}`, {
      fix: `ls ${join(home, 'self-deploy', service)}`,
    });
  }
  try {
    return JSON.parse(text) as SelfDeployRecord;
  } catch (e) {
    throw new FerryError(ErrorCode.STATE_CORRUPT, `self-deploy record ${runId} is not valid JSON`, { cause: e });
  }
}

/** The run id awaiting finalize, or null. */
export async function pendingRunId(home: string, service: string): Promise<string | null> {
  try {
    const id = (await readFile(pendingPath(home, service), 'utf8')).trim();
    return id || null;
  } catch {
    return null;
  }
}

/** Exit code the hook recorder wrote, or null when it has not finished (or never will). */
export async function readExitCode(exitFile: string): Promise<number | null> {
  try {
    const text = (await readFile(exitFile, 'utf8')).trim();
    return /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  } catch {
    return null;
  }
}
