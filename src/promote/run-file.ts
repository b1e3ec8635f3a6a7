// Direct (non-engine) flows still leave the same traces as engine pipelines: a RunState file per
// run under .ferry/state/<pipeline>/ updated after every phase, and .ferry/results/<run_id>/<pipeline>.json.

import { saveState } from '../engine/state-store.js';
import { writeResult } from '../engine/run.js';
import type { RunState, RunStatus, StepStatus } from '../engine/types.js';

export interface FlowRun {
  readonly state: RunState<Record<string, unknown>>;
  phase(id: string, status: StepStatus, detail?: string, output?: Record<string, unknown>): Promise<void>;
  finish(status: RunStatus, result: Record<string, unknown>): Promise<string | null>;
}

/** A run record; in dry run nothing is written. */
export function openFlowRun(home: string, pipeline: string, runId: string, phases: readonly string[], data: Record<string, unknown>, dryRun: boolean): FlowRun {
  const now = new Date().toISOString();
  const state: RunState<Record<string, unknown>> = {
    schema_version: 1,
    run_id: runId,
    pipeline,
    status: dryRun ? 'dry_run' : 'in_progress',
    started_at: now,
    updated_at: now,
    step_order: [...phases],
    steps: Object.fromEntries(phases.map((p) => [p, { status: 'pending' as StepStatus, attempts: 0 }])),
    data,
  };
  return {
    state,
    async phase(id, status, detail, output) {
      const rec = state.steps[id] ?? (state.steps[id] = { status: 'pending', attempts: 0 });
      if (!state.step_order.includes(id)) state.step_order.push(id);
      if (status === 'running') rec.attempts += 1;
      rec.status = status;
      rec.ts = new Date().toISOString();
      if (detail !== undefined) rec.detail = detail;
      if (output) rec.output = output;
      if (!dryRun) await saveState(home, state);
    },
    async finish(status, result) {
      state.status = dryRun ? 'dry_run' : status;
      state.finished_at = new Date().toISOString();
      if (dryRun) return null;
      await saveState(home, state);
      return writeResult({ stateDir: home }, runId, pipeline, result);
    },
  };
}
