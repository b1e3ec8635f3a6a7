// `ferry finalize` — self-deploy Phase C, run by the new container or the next ferry start: read the
// exit code the detached hook recorded, map 0 → SUCCESS and anything else → FAILED, write the deploy
// verdict, and on FAILED make sure production is back on the previous image. Idempotent.

import { ErrorCode, FerryError } from '../errors.js';
import type { PromoteBackend } from './backend.js';
import { pidAlive } from './hook-launch.js';
import { writeDeployVerdict } from './promote.js';
import { openFlowRun } from './run-file.js';
import { loadRecord, pendingRunId, readExitCode, saveRecord } from './self-deploy-record.js';
import { isSelf, type SelfIdentity } from './self-detect.js';
import type { ResolvedService } from './service.js';
import { latestVerdictPath } from './verdict-store.js';

export interface FinalizeOptions {
  target: ResolvedService;
  home: string;
  /** Default: the service's pending self-deploy run. */
  runId?: string;
  dryRun: boolean;
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

/** Pure: the seed's mapping. 0 → SUCCESS; 1, 2, anything else, or no code at all → FAILED. */
export function verdictFromExitCode(code: number | null): 'SUCCESS' | 'FAILED' {
  return code === 0 ? 'SUCCESS' : 'FAILED';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runFinalize(o: FinalizeOptions): Promise<FinalizeResult> {
  const { target } = o;
  const runId = o.runId ?? (await pendingRunId(o.home, target.service));
  const base: FinalizeResult = { skill: 'finalize', status: 'nothing_to_finalize', run_id: runId, service: target.service, hook_exit_code: null, rolled_back: false, detail: '', verdict: null, plan: [] };
  if (!runId) return { ...base, detail: `no pending self-deploy for ${target.service}` };
  const record = await loadRecord(o.home, target.service, runId);
  if (record.phase === 'finalized') {
    return { ...base, status: record.deploy_status ?? 'FAILED', hook_exit_code: record.hook_exit_code, detail: 'already finalized', verdict: latestVerdictPath(target.verdictDir, target.service, 'deploy') };
  }
  if (record.phase !== 'hook_launched') {
    throw new FerryError(ErrorCode.STATE_STALE, `self-deploy ${runId} is ${record.phase}: Phase B has not run yet`, { fix: `ferry self-deploy ${target.service} --env ${target.environment} --resume ${runId}` });
  }

  let code = await readExitCode(record.exit_file);
  const local = record.host === null;
  const deadline = Date.now() + (o.waitMs ?? 0);
  while (code === null && local && record.pid !== null && pidAlive(record.pid) && Date.now() < deadline) {
    await sleep(200);
    code = await readExitCode(record.exit_file);
  }
  const alive = local && record.pid !== null && pidAlive(record.pid);
  if (code === null && (alive || !local)) {
    return { ...base, status: 'pending', detail: `hook ${local ? `pid ${record.pid} ` : `on ${record.host} `}has not recorded an exit code yet (${record.exit_file})` };
  }
  const status = verdictFromExitCode(Number.isNaN(code) ? -1 : code);
  const hookCode = code !== null && !Number.isNaN(code) ? code : null;
  base.plan = [
    `read ${record.exit_file}: ${hookCode ?? 'no exit code (hook died)'} → deploy_status ${status}`,
    status === 'FAILED' ? `ensure ${target.spec.container} runs the previous image ${record.previous_image_id ?? '(unknown)'}; roll back if not` : 'no rollback needed',
    `write ${latestVerdictPath(target.verdictDir, target.service, 'deploy')}`,
  ];
  if (o.dryRun) return { ...base, status: 'dry_run', hook_exit_code: hookCode };

  const run = openFlowRun(o.home, 'finalize', runId, ['READ_EXIT_CODE', 'ROLLBACK', 'VERDICT'], { service: target.service, self_deploy_run: runId }, false);
  await run.phase('READ_EXIT_CODE', 'completed', status, { hook_exit_code: hookCode });

  let rolledBack = false;
  let detail = hookCode === null ? 'the hook exited without recording an exit code' : `hook exit ${hookCode}`;
  if (status === 'FAILED' && record.previous_image_id) {
    const current = await o.backend.currentImageId();
    const ident = await o.targetIdentity();
    if (current !== null && current !== record.previous_image_id) {
      if (ident && isSelf(o.self, ident)) {
        detail += `; production runs ${current}, not the previous ${record.previous_image_id}, and ferry will not restart its own container: roll back from the host`;
        await run.phase('ROLLBACK', 'failed', 'self_restart_refused');
      } else {
        await run.phase('ROLLBACK', 'running');
        const rb = await o.backend.rollback(record.previous_image_id, { healthy: false, detail, autoRolledBack: false });
        rolledBack = true;
        detail += `; rolled back to ${record.previous_image_id}: ${rb.detail}`;
        await run.phase('ROLLBACK', rb.healthy ? 'completed' : 'failed', rb.healthy ? 'rolled_back_healthy' : 'rollback_unhealthy');
      }
    } else {
      detail += '; production is on the previous image';
      await run.phase('ROLLBACK', 'skipped', 'already_on_previous');
    }
  } else {
    await run.phase('ROLLBACK', 'skipped', 'not_needed');
  }

  const paths = await writeDeployVerdict(target, {
    status,
    runId,
    imageId: record.source_image_id,
    previousImageId: record.previous_image_id,
    exitCode: hookCode,
    rolledBack: rolledBack || hookCode === 2,
    detail,
    now: o.now,
    extra: { gate_token: record.gate_token, finalized_by: 'ferry finalize' },
  });
  await run.phase('VERDICT', 'completed', status, { verdict: paths.latest });
  record.phase = 'finalized';
  record.hook_exit_code = hookCode;
  record.deploy_status = status;
  record.finalized_at = (o.now?.() ?? new Date()).toISOString();
  await saveRecord(o.home, record);
  const result: FinalizeResult = { ...base, status, hook_exit_code: hookCode, rolled_back: rolledBack, detail, verdict: paths.latest };
  await run.finish(status === 'SUCCESS' ? 'completed' : 'failed', { ...result });
  return result;
}
