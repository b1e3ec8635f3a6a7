// Run bookkeeping around the steps: stale-run warning, plan recomputation on resume
// (PLAN_CHANGED when the set of packages moved under a started run), worktree cleanup.

import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Git } from '../adapters/git/git.js';
import { listStates } from '../engine/state-store.js';
import type { RunState } from '../engine/types.js';
import { ErrorCode, FerryError } from '../errors.js';
import type { ChangelogCommit } from '../manifest/changelog.js';
import { unitCommitMessage } from './prepare.js';
import { packageStepPhases } from './steps/index.js';
import type { PlanRow, ReleaseData } from './types.js';

export const STALE_MS = 24 * 60 * 60 * 1000;

/**
 * Warn about stale runs (state > 24 h, not completed). Returns the id to use: a stale run with
 * the same id gets a new one; a live run with the same id must be resumed, not restarted.
 * @throws USAGE when a started, non-stale run already has this id.
 */
export async function checkStale(home: string, runId: string, explicit: boolean, note: (m: string) => void, now: Date): Promise<string> {
  const active = (await listStates(home)).filter((s) => s.pipeline === 'release' && !s.archived);
  const ids = new Set(active.map((s) => s.runId));
  let id = runId;
  for (const s of active) {
    let state: RunState<ReleaseData> | null = null;
    try {
      state = JSON.parse(await readFile(s.path, 'utf8')) as RunState<ReleaseData>;
    } catch {
      /* a corrupt file is reported when someone resumes it */
    }
    const stale = now.getTime() - s.mtimeMs > STALE_MS && state?.status !== 'completed';
    if (stale) note(`warning: release run ${s.runId} is stale (not completed, last updated ${new Date(s.mtimeMs).toISOString()}); starting a new run`);
    if (s.runId !== runId || !state) continue;
    const started = Object.values(state.steps ?? {}).some((r) => r.status !== 'pending');
    if (stale) {
      let n = 2;
      while (ids.has(`${runId}-${n}`)) n++;
      id = `${runId}-${n}`;
    } else if (started) {
      throw new FerryError(ErrorCode.USAGE, `release run ${runId} already exists (${state.status}); resume it instead of starting it again`, {
        fix: `ferry release --resume ${runId}${explicit ? '   # or pick another --run-id' : ''}`,
      });
    }
  }
  return id;
}

function started(state: RunState<ReleaseData>, pkg: string): boolean {
  const unit = state.data.repos[pkg]?.unit ?? pkg;
  return packageStepPhases(unit, pkg).some(([id]) => ['completed', 'skipped', 'failed', 'running'].includes(state.steps[id]?.status ?? 'pending'));
}

/**
 * The plan of a resumed run: stored rows for packages that have started, fresh scan rows for the
 * rest (their data is updated). @throws PLAN_CHANGED when the set of packages to release differs.
 */
export function rescanForResume(
  state: RunState<ReleaseData>,
  scanned: readonly PlanRow[],
  commits: Readonly<Record<string, ChangelogCommit[]>>,
  commitTemplate: string,
): PlanRow[] {
  const data = state.data;
  const fresh = new Map(scanned.map((r) => [r.package, r]));
  const merged = data.plan.map((row) => (row.status === 'PLANNED' && started(state, row.package) ? row : (fresh.get(row.package) ?? row)));
  const before = data.plan.filter((r) => r.status === 'PLANNED').map((r) => r.package).sort().join(',');
  const after = merged.filter((r) => r.status === 'PLANNED').map((r) => r.package).sort().join(',');
  if (before !== after) {
    throw new FerryError(ErrorCode.PLAN_CHANGED, `the packages to release changed since run ${state.run_id} was planned (was: ${before || 'none'}; now: ${after || 'none'})`, {
      fix: `ferry release --dry-run   # then start a new run`,
      details: { before, after },
    });
  }
  for (const row of merged) {
    const r = data.repos[row.package];
    if (!r || started(state, row.package) || !row.new || !row.bump) continue;
    Object.assign(r, { old_version: row.current, new_version: row.new, bump: row.bump, commits_since_tag: row.commits });
    data.commits[row.package] = commits[row.package] ?? [];
  }
  for (const u of Object.values(data.units)) {
    if (u.packages.some((p) => started(state, p))) continue;
    u.commit_message = unitCommitMessage(commitTemplate, u.repo, u.packages.map((p) => ({ name: p, version: data.repos[p]?.new_version ?? '' })));
  }
  data.plan = merged;
  return merged;
}

/** Remove the run's worktrees (completion). Branches stay: they are on the remote for the audit trail. */
export async function cleanupWorktrees(git: Git, home: string, runId: string, data: ReleaseData): Promise<void> {
  for (const u of Object.values(data.units)) await git.removeWorktree(u.repoDir, u.worktree_path);
  await rm(join(home, 'worktrees', runId), { recursive: true, force: true });
}
