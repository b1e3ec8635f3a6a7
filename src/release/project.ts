// Seed-shaped per-package fields derived from the engine's step records before every save:
// phase (forward-only), phase_history, error, BLOCKED + TIER_BLOCKED, and the run status.

import type { RunState, RunStatus } from '../engine/types.js';
import { packageStepPhases } from './steps/index.js';
import { PHASES, type Phase, type ReleaseData } from './types.js';

const rank = (p: Phase): number => (p === 'BLOCKED' ? -1 : PHASES.indexOf(p));

export function projectRelease(state: RunState<ReleaseData>): void {
  const data = state.data;
  let firstFailure: string | null = null;
  for (const id of state.step_order) {
    const rec = state.steps[id];
    if (rec?.status === 'failed') {
      firstFailure = `${id} (${rec.error?.code ?? 'FAILED'})`;
      break;
    }
  }
  for (const r of Object.values(data.repos)) {
    let phase: Phase = 'PLANNED';
    let error: string | null = null;
    let blocked = false;
    const push = (p: Phase, at: string): void => {
      if (!r.phase_history.some((h) => h.phase === p)) r.phase_history.push({ phase: p, at });
    };
    for (const [id, done] of packageStepPhases(r.unit, r.package)) {
      const rec = state.steps[id];
      if (!rec) continue;
      if (rec.status === 'completed' || rec.status === 'skipped') {
        phase = done as Phase;
        push(phase, rec.ts ?? state.updated_at);
      } else if (rec.status === 'failed') {
        phase = done as Phase;
        error = rec.error ? `${rec.error.code}: ${rec.error.message}` : 'failed';
        break;
      } else {
        if (rec.status === 'blocked') blocked = true;
        break;
      }
    }
    if (phase === 'PUBLISHED' && !error) {
      phase = 'DONE';
      push('DONE', state.steps[`${r.package}/PUBLISH`]?.ts ?? state.updated_at);
    }
    if (error) {
      // Forward-only: a failure keeps the furthest phase reached.
      r.phase = rank(phase) >= rank(r.phase) ? phase : r.phase;
      r.error = error;
    } else if (blocked && phase !== 'DONE') {
      r.phase = 'BLOCKED';
      r.error = `TIER_BLOCKED: blocked by ${firstFailure ?? 'an earlier failure'}`;
    } else {
      r.phase = r.phase === 'BLOCKED' || rank(phase) >= rank(r.phase) ? phase : r.phase;
      r.error = null;
    }
  }
  data.status = state.status === 'dry_run' ? 'in_progress' : state.status;
}

/** PARTIAL when some package is DONE and the run failed; FAILED when none is. */
export function releaseFinalStatus(state: RunState<ReleaseData>, failed: boolean): RunStatus {
  if (!failed) return 'completed';
  return Object.values(state.data.repos).some((r) => r.phase === 'DONE') ? 'partial' : 'failed';
}
