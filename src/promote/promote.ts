// `ferry promote <service> --env production`: the seed's deploy hook as an engine pipeline
// (promote-steps.ts). Refuse unless the latest staging verdict is SUCCESS for this exact image id;
// retag SOURCE_IMAGE → TARGET_IMAGE (build once), switch without building, health loop with a
// deadline, roll back when unhealthy. Exit contract of the hook, computed from the run state:
// 0 healthy · 1 failed before the switch (nothing changed) · 2 unhealthy after the switch (rolled back).

import { ErrorCode, FerryError, isFerryError, type SerializedError } from '../errors.js';
import { openRun, writeResult } from '../engine/run.js';
import { lockTarget } from './target-lock.js';
import type { RunState, RunStatus } from '../engine/types.js';
import { engineOptions, failedStep, keepErrors, planLines, type FlowEngine } from './pipeline.js';
import {
  buildPromoteSteps,
  promoteDetail,
  recordPrevious,
  verifyStaging,
  writePromoteVerdict,
  type PromoteData,
  type PromoteDeps,
  type PromoteFacts,
} from './promote-steps.js';
import type { VerdictStatus } from './verdict.js';

export { writeDeployVerdict, type DeployVerdictFacts } from './deploy-verdict.js';
export type { PromoteData } from './promote-steps.js';

export type HookExitCode = 0 | 1 | 2;

export interface PromoteOptions extends FlowEngine, PromoteDeps {
  runId: string;
  /** Continue run `runId` from its first step not done (its persisted data wins). */
  resume?: boolean;
  /** Hook mode (self-deploy Phase B): no verdict (finalize writes it), the exit code is the contract. */
  hookMode: boolean;
}

export interface PromoteResult {
  skill: 'promote';
  status: VerdictStatus | 'dry_run';
  exit_code: HookExitCode;
  run_id: string;
  service: string;
  environment: string;
  runtime: 'docker' | 'swarm';
  source_image_id: string | null;
  previous_image_id: string | null;
  switched: boolean;
  rolled_back: boolean;
  rollback_healthy: boolean | null;
  detail: string;
  verdict: string | null;
  error: SerializedError | null;
  plan: string[];
}

export function resumePromoteCommand(service: string, env: string, runId: string): string {
  return `ferry promote ${service} --env ${env} --resume ${runId}`;
}

/** Pure: the hook exit code from a run's state. SWITCH never attempted → 1; attempted and not healthy → 2. */
export function promoteExitCode(state: RunState<PromoteData>): HookExitCode {
  if (state.data.health?.healthy && !failedStep(state)) return 0;
  const sw = state.steps.SWITCH;
  return sw && sw.attempts > 0 ? 2 : 1;
}

/** Pure: the seed-shaped result from a run's state. */
export function promoteResult(state: RunState<PromoteData>, plan: string[]): PromoteResult {
  const d = state.data;
  const dry = state.status === 'dry_run';
  const exit = dry ? 0 : promoteExitCode(state);
  const failed = failedStep(state);
  const error = failed ? (state.steps[failed]!.error ?? null) : d.error;
  return {
    skill: 'promote',
    status: dry ? 'dry_run' : exit === 0 ? 'SUCCESS' : 'FAILED',
    exit_code: exit,
    run_id: state.run_id,
    service: d.service,
    environment: d.environment,
    runtime: d.runtime,
    source_image_id: d.source_image_id,
    previous_image_id: d.previous_image_id,
    switched: (state.steps.SWITCH?.attempts ?? 0) > 0,
    rolled_back: Boolean(d.rollback?.rolled_back),
    rollback_healthy: d.rollback ? d.rollback.healthy : null,
    detail: promoteDetail(d) || (error?.message ?? ''),
    verdict: d.verdict,
    error,
    plan,
  };
}

function initialData(o: PromoteOptions): PromoteData {
  return {
    service: o.target.service,
    environment: o.target.environment,
    staging_environment: o.staging.environment,
    runtime: o.backend.kind,
    hook_mode: o.hookMode,
    source_image_id: null,
    previous_image_id: null,
    retagged: [],
    switch: null,
    health: null,
    rollback: null,
    verdict: null,
    error: null,
  };
}

/** Dry run: the same read-only checks as VERIFY_STAGING / RECORD_PREVIOUS; a staging refusal is reported, not thrown. */
async function probe(deps: PromoteDeps, data: PromoteData): Promise<PromoteFacts> {
  const facts: PromoteFacts = {};
  await verifyStaging(deps, data, {
    onRefusal: (e) => (facts.refusal = isFerryError(e) ? `${e.code} ${e.message}` : String(e)),
  });
  await recordPrevious(deps, data);
  return facts;
}

/**
 * @throws USAGE / CONFIG_INVALID, LOCKED, STATE_NOT_FOUND / STATE_CORRUPT (before any step), and in a
 * dry run any precondition failure except the staging refusal. Step failures come back in the result.
 */
export async function runPromote(o: PromoteOptions): Promise<PromoteResult> {
  const deps: PromoteDeps = o;
  const data = initialData(o);
  const facts = o.dryRun && !o.resume ? await probe(deps, data) : {};
  const build = buildPromoteSteps(deps, o.runId, facts);
  const holder: { error: unknown } = { error: null };
  // One switch at a time per container/service: two promotes (or a promote and a redeploy) of the
  // same one would recreate it under each other and both roll back.
  const targetLock = o.dryRun ? null : await lockTarget(o.home, o.target, `promote ${o.runId}`);
  try {
    return await promoteLocked(o, deps, data, build, holder);
  } finally {
    await targetLock?.release();
  }
}

async function promoteLocked(
  o: PromoteOptions,
  deps: PromoteDeps,
  data: PromoteData,
  build: ReturnType<typeof buildPromoteSteps>,
  holder: { error: unknown },
): Promise<PromoteResult> {
  const run = await openRun<PromoteData>(
    {
      pipeline: 'promote',
      runId: o.runId,
      resume: Boolean(o.resume),
      data,
      buildSteps: (d) => keepErrors(build(d), holder),
      finalStatus: (s, failed): RunStatus => (failed || !s.data.health?.healthy ? 'failed' : 'completed'),
      resumeCommand: resumePromoteCommand(o.target.service, o.target.environment, o.runId),
    },
    engineOptions(o),
  );
  try {
    const d = run.state.data;
    if (d.service !== o.target.service || d.environment !== o.target.environment) {
      throw new FerryError(
        ErrorCode.USAGE,
        `run ${o.runId} promotes ${d.service} to ${d.environment}, not ${o.target.service} to ${o.target.environment}`,
        {
          fix: resumePromoteCommand(d.service, d.environment, o.runId),
        },
      );
    }
    const plan = planLines(build(d), run.state);
    const final = await run.execute();
    const result = promoteResult(final, plan);
    if (o.dryRun) return result;
    // A run that stopped before VERDICT (refused before the switch, or an unexpected error) still
    // leaves the seed's FAILED deploy verdict; a resume that then succeeds writes the SUCCESS one.
    const v = final.steps.VERDICT;
    if (!final.data.hook_mode && v?.status !== 'completed' && v?.status !== 'skipped') {
      const paths = await writePromoteVerdict(
        deps,
        o.runId,
        final.data,
        result.exit_code,
        holder.error ?? result.error,
      );
      result.verdict = paths.latest;
    }
    await writeResult(engineOptions(o), o.runId, 'promote', result);
    return result;
  } finally {
    await run.close();
  }
}
