// Run bookkeeping around the steps: stale-run warning, plan recomputation on resume
// (PLAN_CHANGED when the set of packages moved under a started run), worktree cleanup.

import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { eventsFile, resultFile } from '../engine/paths.js';
import type { Git } from '../adapters/git/git.js';
import { listStates } from '../engine/state-store.js';
import { isStaleState, lastTouchedMs } from '../engine/staleness.js';
import type { RunState } from '../engine/types.js';
import { ErrorCode, FerryError } from '../errors.js';
import type { ChangelogCommit } from '../manifest/changelog.js';
import type { ChangesetIntent } from './changesets.js';
import { unitCommitMessage } from './prepare.js';
import { removeLeftoverWorktrees } from './worktree-heal.js';
import { packageStepPhases } from './steps/index.js';
import type { PlanRow, ReleaseData } from './types.js';

/** Whether a run id has left traces of a run (events, result) even without a state file. */
function traces(home: string, id: string): boolean {
  return existsSync(dirname(eventsFile(home, id))) || existsSync(dirname(resultFile(home, id, 'release')));
}

/**
 * Warn about stale runs (state > 24 h, not completed) and return the id a NEW run must use.
 * The id is deterministic so that the same release can be resumed, but a finished run's id
 * (archived, completed, or only its events/result left) is never reused: its result, state and
 * event log would be overwritten or mixed with the new run's. Such an id, or a stale one, moves
 * on to `<id>-2`, `<id>-3`… (with a note); a live, started run with the id must be resumed.
 * In a dry run nothing throws: the id shown is the one a real run would take.
 * @throws USAGE when a started, unfinished, non-stale run already has the id.
 */
export async function checkStale(
  home: string,
  runId: string,
  explicit: boolean,
  note: (m: string) => void,
  now: Date,
  dryRun = false,
): Promise<string> {
  const listed = (await listStates(home)).filter((s) => s.pipeline === 'release');
  // Archived runs count by id alone; only the active ones are read (status, steps, staleness).
  const archived = new Set(listed.filter((s) => s.archived).map((s) => s.runId));
  const active = new Map<string, { state: RunState<ReleaseData> | null; stale: boolean }>();
  for (const s of listed) {
    if (s.archived) continue;
    let state: RunState<ReleaseData> | null = null;
    try {
      state = JSON.parse(await readFile(s.path, 'utf8')) as RunState<ReleaseData>;
    } catch {
      /* a corrupt file is reported when someone resumes it */
    }
    // The state's own timestamps, not the file's mtime (a copied or restored file looks fresh).
    const stale = isStaleState(state, s.mtimeMs, now.getTime());
    if (stale)
      note(
        `warning: release run ${s.runId} is stale (not completed, last updated ${new Date(lastTouchedMs(state, s.mtimeMs)).toISOString()}); starting a new run`,
      );
    active.set(s.runId, { state, stale });
  }
  const usedBecause = (id: string): string | null => {
    if (archived.has(id)) return 'already completed (archived)';
    const a = active.get(id);
    if (a?.state?.status === 'completed') return 'already completed';
    if (a) return a.stale ? 'is stale' : null;
    return traces(home, id) ? 'was already used (its events or result exist)' : null;
  };
  const skipped: string[] = [];
  for (let n = 1; ; n++) {
    const id = n === 1 ? runId : `${runId}-${n}`;
    const why = usedBecause(id);
    if (why) {
      skipped.push(`release run ${id} ${why}`);
      continue;
    }
    const state = active.get(id)?.state;
    if (state && !dryRun && Object.values(state.steps ?? {}).some((r) => r.status !== 'pending')) {
      throw new FerryError(
        ErrorCode.USAGE,
        `release run ${id} already exists (${state.status}); resume it instead of starting it again`,
        {
          fix: `ferry release --resume ${id}${explicit ? '   # or pick another --run-id' : ''}`,
        },
      );
    }
    if (skipped.length) note(`note: ${skipped.join('; ')}: this new run is ${id}`);
    return id;
  }
}

function started(state: RunState<ReleaseData>, pkg: string): boolean {
  const unit = state.data.repos[pkg]?.unit ?? pkg;
  return packageStepPhases(unit, pkg).some(([id]) =>
    ['completed', 'skipped', 'failed', 'running'].includes(state.steps[id]?.status ?? 'pending'),
  );
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
  changesets: Readonly<Record<string, ChangesetIntent[]>> = {},
): PlanRow[] {
  const data = state.data;
  const fresh = new Map(scanned.map((r) => [r.package, r]));
  const merged = data.plan.map((row) =>
    row.status === 'PLANNED' && started(state, row.package) ? row : (fresh.get(row.package) ?? row),
  );
  const before = data.plan
    .filter((r) => r.status === 'PLANNED')
    .map((r) => r.package)
    .sort()
    .join(',');
  const after = merged
    .filter((r) => r.status === 'PLANNED')
    .map((r) => r.package)
    .sort()
    .join(',');
  if (before !== after) {
    throw new FerryError(
      ErrorCode.PLAN_CHANGED,
      `the packages to release changed since run ${state.run_id} was planned (was: ${before || 'none'}; now: ${after || 'none'})`,
      {
        fix: `ferry release --dry-run   # then start a new run`,
        details: { before, after },
      },
    );
  }
  for (const row of merged) {
    const r = data.repos[row.package];
    if (!r || started(state, row.package) || !row.new || !row.bump) continue;
    Object.assign(r, {
      old_version: row.current,
      new_version: row.new,
      bump: row.bump,
      commits_since_tag: row.commits,
    });
    data.commits[row.package] = commits[row.package] ?? [];
    if (changesets[row.package]) (data.changesets ??= {})[row.package] = changesets[row.package]!;
    else if (data.changesets) delete data.changesets[row.package];
  }
  for (const u of Object.values(data.units)) {
    if (u.packages.some((p) => started(state, p))) continue;
    u.commit_message = unitCommitMessage(
      commitTemplate,
      u.repo,
      u.packages.map((p) => ({ name: p, version: data.repos[p]?.new_version ?? '' })),
    );
  }
  data.plan = merged;
  return merged;
}

/** Remove the run's worktrees (completion). Branches stay: they are on the remote for the audit trail. */
export async function cleanupWorktrees(git: Git, home: string, runId: string, data: ReleaseData): Promise<void> {
  for (const u of Object.values(data.units)) await git.removeWorktree(u.repoDir, u.worktree_path);
  // Worktrees a kill left registered (publish and merge worktrees of an interrupted attempt).
  for (const dir of new Set(Object.values(data.units).map((u) => u.repoDir)))
    await removeLeftoverWorktrees(git, dir, home, runId);
  await rm(join(home, 'worktrees', runId), { recursive: true, force: true });
}
