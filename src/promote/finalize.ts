// `ferry finalize` — self-deploy Phase C on the engine, run by the new container or the next ferry
// start: READ_EXIT_CODE the detached hook recorded (0 → SUCCESS, anything else → FAILED) → ROLLBACK
// (on FAILED make sure production is back on the previous image) → VERDICT → RECORD (the self-deploy
// record becomes `finalized`). Idempotent: an interrupted finalize resumes its own run.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ErrorCode, FerryError, serializeError } from '../errors.js';
import { openRun, writeResult } from '../engine/run.js';
import { stateFile } from '../engine/paths.js';
import { loadState } from '../engine/state-store.js';
import type { RunStatus, Step, StepContext } from '../engine/types.js';
import type { PromoteBackend } from './backend.js';
import { deployVerdictWritten, writeDeployVerdict } from './deploy-verdict.js';
import { pidAlive } from './hook-launch.js';
import { edit, engineOptions, keepErrors, note, planLines, type FlowEngine } from './pipeline.js';
import { loadRecord, pendingRunId, readExitCode, saveRecord, type SelfDeployRecord } from './self-deploy-record.js';
import { isSelf, type SelfIdentity } from './self-detect.js';
import type { ResolvedService } from './service.js';
import { latestVerdictPath } from './verdict-store.js';
import { lockTarget } from './target-lock.js';
import { sleep } from '../util/sleep.js';

export interface FinalizeOptions extends FlowEngine {
  target: ResolvedService;
  /** Default: the service's pending self-deploy run. */
  runId?: string;
  backend: PromoteBackend;
  self: SelfIdentity;
  targetIdentity: () => Promise<{ id: string; name: string } | null>;
  /** Wait this long for a still-running local hook to record its exit code. */
  waitMs?: number;
  now?: () => Date;
}

export interface FinalizeResult {
  skill: 'finalize';
  status: 'SUCCESS' | 'FAILED' | 'pending' | 'nothing_to_finalize' | 'dry_run';
  run_id: string | null;
  service: string;
  hook_exit_code: number | null;
  rolled_back: boolean;
  detail: string;
  verdict: string | null;
  plan: string[];
}

interface FinalizeData {
  service: string;
  self_deploy_run: string;
  hook_exit_code: number | null;
  status: 'SUCCESS' | 'FAILED';
  rolled_back: boolean;
  detail: string;
  verdict: string | null;
}

/** Pure: the seed's mapping. 0 → SUCCESS; 1, 2, anything else, or no code at all → FAILED. */
export function verdictFromExitCode(code: number | null): 'SUCCESS' | 'FAILED' {
  return code === 0 ? 'SUCCESS' : 'FAILED';
}

/** The last lines of the hook's log (why it failed), for the FAILED verdict; '' when there is none here. */
export async function hookLogTail(logFile: string, lines = 40): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  if (!text.trim()) return '';
  const tail = text.trimEnd().split('\n').slice(-lines);
  return [`hook log (${logFile}, last ${tail.length} lines):`, ...tail].join('\n');
}

const hookCodeOf = (code: number | null): number | null => (code !== null && !Number.isNaN(code) ? code : null);
type Ctx = StepContext<FinalizeData>;

function finalizeSteps(o: FinalizeOptions, record: SelfDeployRecord): Step<FinalizeData>[] {
  const { target } = o;
  const prev = record.previous_image_id;
  return [
    {
      id: 'READ_EXIT_CODE',
      title: 'read the exit code the hook recorded',
      describe: ({ data }) => [
        note(
          `read ${record.exit_file}: ${data.hook_exit_code ?? 'no exit code (hook died)'} → deploy_status ${data.status}`,
        ),
      ],
      async run(ctx: Ctx) {
        const code = hookCodeOf(await readExitCode(record.exit_file));
        ctx.data.hook_exit_code = code;
        ctx.data.status = verdictFromExitCode(code);
        ctx.data.detail = code === null ? 'the hook exited without recording an exit code' : `hook exit ${code}`;
        return { detail: ctx.data.status, output: { hook_exit_code: code } };
      },
    },
    {
      id: 'ROLLBACK',
      title: 'on FAILED: production back on the previous image',
      describe: ({ data }) => [
        note(
          data.status === 'FAILED'
            ? `ensure ${target.spec.container} runs the previous image ${prev ?? '(unknown)'}; roll back if not`
            : 'no rollback needed',
        ),
      ],
      async run(ctx: Ctx) {
        const d = ctx.data;
        if (d.status !== 'FAILED' || !prev) return { status: 'skipped', detail: 'not_needed' };
        const current = await o.backend.currentImageId();
        if (current === null || current === prev) {
          d.detail += '; production is on the previous image';
          return { status: 'skipped', detail: 'already_on_previous' };
        }
        const ident = await o.targetIdentity();
        if (ident && isSelf(o.self, ident)) {
          // Recorded, not thrown: the FAILED verdict must still be written.
          const e = new FerryError(
            ErrorCode.SELF_RESTART_REFUSED,
            `production runs ${current}, not the previous ${prev}, and ferry will not restart its own container: roll back from the host`,
          );
          d.detail += `; ${e.message}`;
          ctx.log.warn(`${e.code}: ${e.message}`);
          return { detail: 'self_restart_refused', output: { error: serializeError(e) } };
        }
        const lock = await lockTarget(o.home, target, `finalize ${ctx.runId}`);
        let rb: Awaited<ReturnType<PromoteBackend['rollback']>>;
        try {
          rb = await o.backend.rollback(prev, { autoRolledBack: false });
        } finally {
          await lock.release();
        }
        d.rolled_back = true;
        d.detail += `; rolled back to ${prev}: ${rb.detail}`;
        return { detail: rb.healthy ? 'rolled_back_healthy' : 'rollback_unhealthy', output: { detail: rb.detail } };
      },
    },
    {
      id: 'VERDICT',
      title: 'write the deploy verdict',
      describe: () => [edit(`write ${latestVerdictPath(target.verdictDir, target.service, 'deploy')}`)],
      async check(ctx: Ctx) {
        const path = await deployVerdictWritten(target, record.run_id, ctx.data.status, ctx.data.hook_exit_code);
        if (!path) return undefined;
        ctx.data.verdict = path;
        return { detail: 'already_written' };
      },
      async run(ctx: Ctx) {
        const d = ctx.data;
        const paths = await writeDeployVerdict(target, {
          status: d.status,
          runId: record.run_id,
          imageId: record.source_image_id,
          previousImageId: prev,
          exitCode: d.hook_exit_code,
          rolledBack: d.rolled_back || d.hook_exit_code === 2,
          detail: d.detail,
          now: o.now,
          fromHook: true,
          output: d.status === 'FAILED' ? await hookLogTail(record.log_file) : undefined,
          extra: { gate_token: record.gate_token, finalized_by: 'ferry finalize' },
        });
        d.verdict = paths.latest;
        return { detail: d.status, output: { verdict: paths.latest } };
      },
    },
    {
      id: 'RECORD',
      title: 'mark the self-deploy finalized',
      describe: () => [edit(`self-deploy record ${record.run_id}: phase finalized`)],
      async run(ctx: Ctx) {
        const rec = await loadRecord(o.home, target.service, record.run_id);
        rec.phase = 'finalized';
        rec.hook_exit_code = ctx.data.hook_exit_code;
        rec.deploy_status = ctx.data.status;
        rec.finalized_at = (o.now?.() ?? new Date()).toISOString();
        await saveRecord(o.home, rec);
        return {};
      },
    },
  ];
}

export async function runFinalize(o: FinalizeOptions): Promise<FinalizeResult> {
  const { target } = o;
  const runId = o.runId ?? (await pendingRunId(o.home, target.service));
  const base: FinalizeResult = {
    skill: 'finalize',
    status: 'nothing_to_finalize',
    run_id: runId,
    service: target.service,
    hook_exit_code: null,
    rolled_back: false,
    detail: '',
    verdict: null,
    plan: [],
  };
  if (!runId) return { ...base, detail: `no pending self-deploy for ${target.service}` };
  const record = await loadRecord(o.home, target.service, runId);
  if (record.phase === 'finalized') {
    return {
      ...base,
      status: record.deploy_status ?? 'FAILED',
      hook_exit_code: record.hook_exit_code,
      detail: 'already finalized',
      verdict: latestVerdictPath(target.verdictDir, target.service, 'deploy'),
    };
  }
  if (record.phase !== 'hook_launched') {
    throw new FerryError(ErrorCode.STATE_STALE, `self-deploy ${runId} is ${record.phase}: Phase B has not run yet`, {
      fix: `ferry self-deploy ${target.service} --env ${target.environment} --resume ${runId}`,
    });
  }

  let code = await readExitCode(record.exit_file);
  const local = record.host === null;
  const deadline = Date.now() + (o.waitMs ?? 0);
  // A local hook is waited for while its pid lives; a host hook (ssh) by its exit-code file alone
  // (the state dir is shared with the host), until the deadline.
  while (code === null && (local ? record.pid !== null && pidAlive(record.pid) : true) && Date.now() < deadline) {
    await sleep(200);
    code = await readExitCode(record.exit_file);
  }
  const alive = local && record.pid !== null && pidAlive(record.pid);
  if (code === null && (alive || !local)) {
    return {
      ...base,
      status: 'pending',
      detail: `hook ${local ? `pid ${record.pid} ` : `on ${record.host} `}has not recorded an exit code yet (${record.exit_file})`,
    };
  }

  const hookCode = hookCodeOf(code);
  const data: FinalizeData = {
    service: target.service,
    self_deploy_run: runId,
    hook_exit_code: hookCode,
    status: verdictFromExitCode(hookCode),
    rolled_back: false,
    detail: '',
    verdict: null,
  };
  // A finalize killed mid-way resumes its own run (same id) instead of starting over.
  const resume =
    existsSync(stateFile(o.home, 'finalize', runId)) &&
    (await loadState<FinalizeData>(o.home, 'finalize', runId).then(
      (s) => s.state.status !== 'completed',
      () => false,
    ));
  const holder: { error: unknown } = { error: null };
  const run = await openRun<FinalizeData>(
    {
      pipeline: 'finalize',
      runId,
      resume,
      data,
      buildSteps: () => keepErrors(finalizeSteps(o, record), holder),
      finalStatus: (s, failed): RunStatus => (failed || s.data.status !== 'SUCCESS' ? 'failed' : 'completed'),
      resumeCommand: `ferry finalize ${target.service} --env ${target.environment} --run-id ${runId}`,
    },
    engineOptions(o),
  );
  try {
    const plan = planLines(finalizeSteps(o, record), run.state);
    const final = await run.execute();
    const d = final.data;
    if (o.dryRun) return { ...base, status: 'dry_run', hook_exit_code: d.hook_exit_code, plan };
    if (holder.error) throw holder.error;
    const result: FinalizeResult = {
      ...base,
      status: d.status,
      hook_exit_code: d.hook_exit_code,
      rolled_back: d.rolled_back,
      detail: d.detail,
      verdict: d.verdict,
      plan,
    };
    await writeResult(engineOptions(o), runId, 'finalize', result);
    return result;
  } finally {
    await run.close();
  }
}
