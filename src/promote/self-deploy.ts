// `ferry self-deploy <service> --env production`: the service that runs ferry deploys itself.
// Phase A: approval pending (TTY prompt or --gate-attestation; no TTY → clear refusal).
// Phase B: a detached host process runs the promote hook and records its exit code.
// Phase C is `ferry finalize` (finalize.ts). ferry itself never restarts the container it is in.

import { join } from 'node:path';
import { ErrorCode, FerryError, isFerryError } from '../errors.js';
import { formatCommand } from '../util/process.js';
import { launchDetached, localHookPlan, sshHookPlan, type HookLaunchPlan } from './hook-launch.js';
import { loadRecord, saveRecord, selfDeployDir, type SelfDeployRecord } from './self-deploy-record.js';
import { assertNotSelf, isSelf, type SelfIdentity } from './self-detect.js';
import type { ResolvedService } from './service.js';
import { assertStagingPassed } from './staging-gate.js';
import { readLatestVerdict } from './verdict-store.js';

export interface GateAnswer {
  approved: boolean;
  token: string;
}

export interface SelfDeployOptions {
  target: ResolvedService;
  staging: ResolvedService;
  home: string;
  runId: string;
  /** Continue an approval-pending run (same run id). */
  resume: boolean;
  dryRun: boolean;
  sourceImageId: () => Promise<string | null>;
  currentImageId: () => Promise<string | null>;
  targetIdentity: () => Promise<{ id: string; name: string } | null>;
  self: SelfIdentity;
  /** Phase A gate. @throws GATE_UNAVAILABLE (no TTY and no attestation), GATE_REJECTED */
  approve: (message: string, runId: string) => Promise<GateAnswer>;
  /** The hook command (default in the CLI: `ferry promote <svc> --env <env> --hook-mode --image <id> --run-id <id>`). */
  hookArgv: (sourceImageId: string, runId: string) => string[];
  nodePath?: string;
  cwd?: string;
  now?: () => Date;
}

export interface SelfDeployResult {
  skill: 'self-deploy';
  status: 'dry_run' | 'hook_launched' | 'already_launched' | 'finalized';
  run_id: string;
  service: string;
  environment: string;
  phase: SelfDeployRecord['phase'] | null;
  pid: number | null;
  exit_file: string;
  log_file: string;
  source_image_id: string | null;
  plan: string[];
  finalize: string;
}

export function hookPlanFor(target: ResolvedService, hookArgv: string[], exitFile: string, logFile: string, nodePath: string): HookLaunchPlan {
  return target.spec.host ? sshHookPlan(target.spec.host, hookArgv, exitFile, logFile) : localHookPlan(nodePath, hookArgv, exitFile, logFile);
}

export async function runSelfDeploy(o: SelfDeployOptions): Promise<SelfDeployResult> {
  const { target, staging } = o;
  const now = (): string => (o.now?.() ?? new Date()).toISOString();
  const dir = selfDeployDir(o.home, target.service, o.runId);
  const exitFile = join(dir, 'exit-code');
  const logFile = join(dir, 'hook.log');
  const finalize = `ferry finalize ${target.service} --env ${target.environment} --run-id ${o.runId}`;
  const result: SelfDeployResult = {
    skill: 'self-deploy', status: 'dry_run', run_id: o.runId, service: target.service, environment: target.environment, phase: null,
    pid: null, exit_file: exitFile, log_file: logFile, source_image_id: null, plan: [], finalize,
  };

  let record: SelfDeployRecord | null = o.resume ? await loadRecord(o.home, target.service, o.runId) : null;
  if (record && record.phase !== 'approval_pending' && record.phase !== 'approved') {
    // Phase B happened already: never launch a second hook for the same run.
    return { ...result, status: record.phase === 'finalized' ? 'finalized' : 'already_launched', phase: record.phase, pid: record.pid, source_image_id: record.source_image_id };
  }

  // ---- preconditions (nothing changes if they fail) ----
  const source = record?.source_image_id ?? (await o.sourceImageId());
  if (!source) throw new FerryError(ErrorCode.NOT_FOUND, `no source image: staging ${staging.spec.container} is not running and no --image was given`, { fix: `ferry self-deploy ${target.service} --env ${target.environment} --image <sha256:…>` });
  result.source_image_id = source;
  const verdict = await readLatestVerdict(staging.verdictDir, staging.service, 'staging');
  assertStagingPassed(verdict, source, staging.service, staging.environment);
  const ident = await o.targetIdentity();
  if (!ident) throw new FerryError(ErrorCode.NOT_FOUND, `production ${target.spec.container} not found`, { fix: `docker ps -a --filter name=${target.spec.container}` });
  // A local detached process inside the target container would die with it: only a host hook may restart it.
  if (!target.spec.host) assertNotSelf(o.self, ident, target.service);
  const previous = record?.previous_image_id ?? (await o.currentImageId());
  const hookArgv = o.hookArgv(source, o.runId);
  const plan = hookPlanFor(target, hookArgv, exitFile, logFile, o.nodePath ?? process.execPath);
  result.plan = [
    `Phase A: approval gate for ${target.service} ${source} → ${target.spec.image} (previous ${previous ?? 'none'}): TTY prompt or --gate-attestation`,
    `Phase B: detached (setsid, stdio → ${logFile}): ${plan.remote ? formatCommand(plan.file, plan.args) : formatCommand('node', ['-e', '<exit-code recorder>', exitFile, ...hookArgv])}`,
    `Phase B: the hook records its exit code in ${exitFile}`,
    `Phase C: ${finalize}  (in the new container or at the next ferry start: 0 → SUCCESS, else FAILED + rollback)`,
  ];
  if (isSelf(o.self, ident)) result.plan.push('note: ferry runs inside the target container; the host hook (ssh) restarts it, not this process');
  if (o.dryRun) return result;

  // ---- Phase A ----
  record ??= {
    run_id: o.runId, service: target.service, environment: target.environment, phase: 'approval_pending', created_at: now(), updated_at: now(),
    gate_token: null, source_image_id: source, previous_image_id: previous, hook_argv: hookArgv, host: target.spec.host ?? null, pid: null,
    exit_file: exitFile, log_file: logFile, launched_at: null, hook_exit_code: null, deploy_status: null, finalized_at: null,
  };
  if (record.phase === 'approval_pending') {
    await saveRecord(o.home, record);
    let answer: GateAnswer;
    try {
      answer = await o.approve(`Self-deploy ${target.service} to ${target.environment}: ${source} → ${target.spec.image} (previous ${previous ?? 'none'}). Approve?`, o.runId);
    } catch (e) {
      if (isFerryError(e) && e.code === ErrorCode.GATE_UNAVAILABLE) {
        throw new FerryError(ErrorCode.GATE_UNAVAILABLE, `self-deploy ${o.runId} is approval-pending: no TTY to ask, and no --gate-attestation given`, {
          fix: `ferry self-deploy ${target.service} --env ${target.environment} --resume ${o.runId} --gate-attestation <ts>:${o.runId}`,
          cause: e,
        });
      }
      throw e;
    }
    if (!answer.approved) throw new FerryError(ErrorCode.GATE_REJECTED, `self-deploy ${o.runId} rejected at the approval gate`, { fix: `ferry self-deploy ${target.service} --env ${target.environment}` });
    record.gate_token = answer.token;
    record.phase = 'approved';
    await saveRecord(o.home, record);
  }

  // ---- Phase B ----
  // Recorded as launched BEFORE the spawn: a crash in between leaves a run finalize reports as FAILED
  // (no exit code, no live pid) instead of a resume launching a second hook — at most one hook per run.
  record.phase = 'hook_launched';
  record.launched_at = now();
  await saveRecord(o.home, record);
  const pid = launchDetached(plan, { cwd: o.cwd });
  record.pid = pid;
  await saveRecord(o.home, record);
  return { ...result, status: 'hook_launched', phase: record.phase, pid };
}
