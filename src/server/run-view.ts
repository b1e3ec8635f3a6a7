// One run as people and agents follow it: status (with "waiting for approval" when its release
// gate is open), per-package versions and phase, failed steps with code and fix, and the resume
// command. The dashboard's run page, `ferry runs show` and ferry_run_show all read this, so the
// browser and an agent never disagree about where a run is. A compact view: the full state stays
// available (`ferry runs show`, `full: true`).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { gateWaiting, readGate } from '../adapters/gate/dashboard.js';
import type { RunSummary } from '../engine/history.js';
import type { RunState } from '../engine/types.js';
import { resumeFor } from '../engine/resume-command.js';

export { resumeFor };

export const runViewSchema = z.strictObject({
  run_id: z.string(),
  pipeline: z.string(),
  /** The state's status, or `waiting_for_approval` / `interrupted` when that says more. */
  status: z.enum(['in_progress', 'waiting_for_approval', 'interrupted', 'completed', 'failed', 'partial', 'dry_run']),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  steps_done: z.number().int().nonnegative(),
  steps_total: z.number().int().nonnegative(),
  /** The step running now, if any. */
  current_step: z.string().nullable(),
  gate: z
    .strictObject({
      status: z.enum(['pending', 'approved', 'rejected', 'timed_out', 'withdrawn']),
      plan_hash: z.string(),
      requested_at: z.string(),
      timeout_at: z.string().nullable(),
      channels: z.array(z.string()),
      approvers: z.array(z.string()),
      decided_at: z.string().nullable(),
      by: z.string().nullable(),
      /** The dashboard page that decides it (when a dashboard of this ferry home is running). */
      approve_url: z.string().nullable(),
    })
    .nullable(),
  packages: z.array(
    z.strictObject({
      package: z.string(),
      tier: z.number().int(),
      old_version: z.string(),
      new_version: z.string().nullable(),
      phase: z.string(),
      current_step: z.string().nullable(),
      pr_url: z.string().nullable(),
      tag: z.string().nullable(),
      registry: z.string().nullable(),
      error: z.string().nullable(),
    }),
  ),
  failed_steps: z.array(
    z.strictObject({ step: z.string(), code: z.string(), message: z.string(), fix: z.string().nullable() }),
  ),
  /** What to run next when the run stopped short of completion. */
  resume: z.string().nullable(),
});
export type RunView = z.infer<typeof runViewSchema>;

interface RepoLike {
  package: string;
  tier: number;
  old_version: string;
  new_version: string | null;
  phase: string;
  pr_url: string | null;
  tag: string | null;
  pypi_status: string | null;
  error: string | null;
  unit: string;
}

/** The URL of the dashboard serving this ferry home, when one is running (it writes dashboard.json). */
export async function dashboardUrl(home: string): Promise<string | null> {
  try {
    const d = JSON.parse(await readFile(join(home, 'dashboard.json'), 'utf8')) as { url?: string; pid?: number };
    if (typeof d.pid === 'number') process.kill(d.pid, 0);
    return typeof d.url === 'string' ? d.url : null;
  } catch {
    return null;
  }
}

export async function runView(home: string, state: RunState<unknown>, summary: RunSummary): Promise<RunView> {
  const g = state.pipeline === 'release' ? await readGate(home, state.run_id) : null;
  const waiting = g?.status === 'pending' && state.status === 'in_progress' && (await gateWaiting(home, state.run_id));
  const base = waiting ? await dashboardUrl(home) : null;
  const running = state.step_order.find((id) => state.steps[id]?.status === 'running') ?? null;
  const repos = (state.data as { repos?: Record<string, RepoLike> } | null)?.repos ?? {};
  const failed = state.step_order
    .map((id) => [id, state.steps[id]] as const)
    .filter(([, r]) => r?.status === 'failed' && r.error)
    .map(([id, r]) => ({ step: id, code: r!.error!.code, message: r!.error!.message, fix: r!.error!.fix ?? null }));
  const status: RunView['status'] = waiting
    ? 'waiting_for_approval'
    : summary.interrupted
      ? 'interrupted'
      : state.status;
  const done = state.status === 'completed' || state.status === 'dry_run';
  return {
    run_id: state.run_id,
    pipeline: state.pipeline,
    status,
    started_at: state.started_at,
    finished_at: state.finished_at ?? null,
    steps_done: summary.steps_done,
    steps_total: summary.steps_total,
    current_step: running,
    gate: g
      ? {
          status: waiting ? 'pending' : g.status === 'pending' ? 'withdrawn' : g.status,
          plan_hash: g.plan_hash,
          requested_at: g.requested_at,
          timeout_at: g.timeout_at ?? null,
          channels: g.channels ?? ['dashboard'],
          approvers: g.approvers ?? [],
          decided_at: g.decided_at ?? null,
          by: g.by ?? null,
          approve_url: base ? `${base}/gates/${state.run_id}` : null,
        }
      : null,
    // A row per package record; a record without its name and tier (hand-edited, another pipeline's) is skipped, not a crash.
    packages: Object.values(repos)
      .filter((r) => typeof r?.package === 'string' && typeof r.tier === 'number')
      .sort((a, b) => a.tier - b.tier || a.package.localeCompare(b.package))
      .map((r) => ({
        package: r.package,
        tier: r.tier,
        old_version: r.old_version,
        new_version: r.new_version,
        phase: r.phase,
        current_step: running?.startsWith(`${r.package}/`) || running?.startsWith(`${r.unit}/`) ? running : null,
        pr_url: r.pr_url,
        tag: r.tag,
        registry: r.pypi_status,
        error: r.error,
      })),
    failed_steps: failed,
    resume: done || waiting ? null : resumeFor(state.pipeline, state.run_id),
  };
}
