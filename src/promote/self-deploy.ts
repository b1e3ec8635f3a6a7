// `ferry self-deploy <service> --env production` on the engine: the service that runs ferry deploys itself.
// PRECHECK (staging SUCCESS for this image, not our own container, record previous) →
// APPROVAL (Phase A: TTY prompt or --gate-attestation; no TTY → clear refusal, resumable) →
// LAUNCH (Phase B: a detached host process runs the promote hook and records its exit code).
// Phase C is `ferry finalize` (finalize.ts). ferry itself never restarts the container it is in.
// The self-deploy record (.ferry/self-deploy/…) stays the hand-off to finalize.

import { join } from 'node:path';
import { ErrorCode, FerryError, isFerryError } from '../errors.js';
import { openRun } from '../engine/run.js';
import type { Step, StepContext } from '../engine/types.js';
import { formatCommand } from '../util/process.js';
import { launchDetached, localHookPlan, sshHookPlan, type HookLaunchPlan } from './hook-launch.js';
import { engineOptions, keepErrors, note, planLines, exec, type FlowEngine } from './pipeline.js';
import { loadRecord, saveRecord, selfDeployDir, type SelfDeployRecord } from './self-deploy-record.js';
import { assertNotSelf, isSelf, type SelfIdentity } from './self-detect.js';
import type { ResolvedService } from './service.js';
import { sshTargetOf } from './ssh.js';
import { assertStagingPassed, readStagingVerdict } from './staging-gate.js';

export interface GateAnswer {
  approved: boolean;
  token: string;
}

export interface SelfDeployOptions extends FlowEngine {
  target: ResolvedService;
  staging: ResolvedService;
  runId: string;
  /** Continue an approval-pending run (same run id). */
  resume: boolean;
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

export interface SelfDeployData {
  service: string;
  environment: string;
  source_image_id: string | null;
  previous_image_id: string | null;
  hook_argv: string[];
  gate_token: string | null;
  pid: number | null;
}

export function hookPlanFor(
  target: ResolvedService,
  hookArgv: string[],
  exitFile: string,
  logFile: string,
  nodePath: string,
): HookLaunchPlan {
  return target.spec.host
    ? sshHookPlan(sshTargetOf(target), hookArgv, exitFile, logFile)
    : localHookPlan(nodePath, hookArgv, exitFile, logFile);
}

type Ctx = StepContext<SelfDeployData>;

/** What `<ts>` in a gate token is, for messages (the dashboard / Slack gates issue the same shape). */
export const GATE_TS_HINT = '<ts>: approval time as seconds.microseconds, e.g. 1740312612.000100';

/** Read-only preconditions; nothing changes if they fail. */
async function precheck(o: SelfDeployOptions, d: SelfDeployData): Promise<{ note?: string }> {
  const { target, staging } = o;
  const source = d.source_image_id ?? (await o.sourceImageId());
  if (!source)
    throw new FerryError(
      ErrorCode.NOT_FOUND,
      `no source image: staging ${staging.spec.container} is not running and no --image was given`,
      { fix: `ferry self-deploy ${target.service} --env ${target.environment} --image <sha256:…>` },
    );
  assertStagingPassed(await readStagingVerdict(staging), source, staging.service, staging.environment);
  const ident = await o.targetIdentity();
  if (!ident)
    throw new FerryError(ErrorCode.NOT_FOUND, `production ${target.spec.container} not found`, {
      fix: `docker ps -a --filter name=${target.spec.container}`,
    });
  // A local detached process inside the target container would die with it: only a host hook may restart it.
  if (!target.spec.host && isSelf(o.self, ident)) {
    try {
      assertNotSelf(o.self, ident, target.service);
    } catch (e) {
      // The way out from inside: a host hook (ssh), or running the command on the host.
      throw new FerryError(
        ErrorCode.SELF_RESTART_REFUSED,
        `${(e as Error).message}, and a detached process started here would die with it`,
        {
          fix: `set environments.${target.environment}.services.${target.service}.host in ferry.yaml (the hook then runs there over ssh), or run ferry self-deploy ${target.service} --env ${target.environment} on the host`,
          details: (e as FerryError).details,
        },
      );
    }
  }
  d.source_image_id = source;
  d.previous_image_id ??= await o.currentImageId();
  d.hook_argv = o.hookArgv(source, o.runId);
  return isSelf(o.self, ident)
    ? { note: 'note: ferry runs inside the target container; the host hook (ssh) restarts it, not this process' }
    : {};
}

async function recordOf(o: SelfDeployOptions): Promise<SelfDeployRecord | null> {
  return loadRecord(o.home, o.target.service, o.runId).catch(() => null);
}

export async function runSelfDeploy(o: SelfDeployOptions): Promise<SelfDeployResult> {
  const { target } = o;
  const now = (): string => (o.now?.() ?? new Date()).toISOString();
  const dir = selfDeployDir(o.home, target.service, o.runId);
  const exitFile = join(dir, 'exit-code');
  const logFile = join(dir, 'hook.log');
  const finalize = `ferry finalize ${target.service} --env ${target.environment} --run-id ${o.runId}`;
  const resumeCmd = `ferry self-deploy ${target.service} --env ${target.environment} --resume ${o.runId}`;
  const launchPlan = (d: SelfDeployData) =>
    hookPlanFor(target, d.hook_argv, exitFile, logFile, o.nodePath ?? process.execPath);
  const facts: { note?: string } = {};
  let launchedNow = false;

  const steps = (): Step<SelfDeployData>[] => [
    {
      id: 'PRECHECK',
      title: 'staging SUCCESS for this image; not our own container; record the previous image',
      describe: ({ data }) => [
        note(
          `Preconditions: staging SUCCESS for ${data.source_image_id ?? '<staging image id>'}; ${target.spec.container} is not the container ferry runs in (unless a host hook)`,
        ),
      ],
      async run(ctx: Ctx) {
        await precheck(o, ctx.data);
        return { output: { source_image_id: ctx.data.source_image_id, previous_image_id: ctx.data.previous_image_id } };
      },
    },
    {
      id: 'APPROVAL',
      title: 'Phase A: approval gate',
      describe: ({ data }) => [
        note(
          `Phase A: approval gate for ${target.service} ${data.source_image_id} → ${target.spec.image} (previous ${data.previous_image_id ?? 'none'}): TTY prompt or --gate-attestation`,
        ),
      ],
      async check(ctx: Ctx) {
        const rec = await recordOf(o);
        if (!rec || rec.phase === 'approval_pending') return undefined;
        ctx.data.gate_token = rec.gate_token;
        return { detail: 'already_approved' };
      },
      async run(ctx: Ctx) {
        const d = ctx.data;
        const record: SelfDeployRecord = (await recordOf(o)) ?? {
          run_id: o.runId,
          service: target.service,
          environment: target.environment,
          phase: 'approval_pending',
          created_at: now(),
          updated_at: now(),
          gate_token: null,
          source_image_id: d.source_image_id!,
          previous_image_id: d.previous_image_id,
          hook_argv: d.hook_argv,
          host: target.spec.host ?? null,
          pid: null,
          exit_file: exitFile,
          log_file: logFile,
          launched_at: null,
          hook_exit_code: null,
          deploy_status: null,
          finalized_at: null,
        };
        await saveRecord(o.home, record);
        const message = `Self-deploy ${target.service} to ${target.environment}: ${d.source_image_id} → ${target.spec.image} (previous ${d.previous_image_id ?? 'none'}). Approve?`;
        emit({ type: 'gate.requested', step: 'APPROVAL', message });
        let answer: GateAnswer;
        try {
          answer = await o.approve(message, o.runId);
        } catch (e) {
          if (isFerryError(e) && e.code === ErrorCode.GATE_UNAVAILABLE) {
            throw new FerryError(
              ErrorCode.GATE_UNAVAILABLE,
              `self-deploy ${o.runId} is approval-pending: no TTY to ask, and no --gate-attestation given`,
              {
                fix: `${resumeCmd} --gate-attestation <ts>:${o.runId}   (${GATE_TS_HINT})`,
                cause: e,
              },
            );
          }
          throw e;
        }
        if (!answer.approved) {
          emit({ type: 'gate.rejected', step: 'APPROVAL' });
          throw new FerryError(ErrorCode.GATE_REJECTED, `self-deploy ${o.runId} rejected at the approval gate`, {
            fix: `ferry self-deploy ${target.service} --env ${target.environment}`,
          });
        }
        emit({ type: 'gate.approved', step: 'APPROVAL', message: answer.token });
        record.gate_token = answer.token;
        record.phase = 'approved';
        await saveRecord(o.home, record);
        d.gate_token = answer.token;
        return { detail: 'approved' };
      },
    },
    {
      id: 'LAUNCH',
      title: 'Phase B: detached promote hook',
      describe: ({ data }) => {
        const plan = launchPlan(data);
        return [
          exec(
            `Phase B: detached (setsid, stdio → ${logFile}): ${plan.remote ? formatCommand(plan.file, plan.args) : formatCommand('node', ['-e', '<exit-code recorder>', exitFile, ...data.hook_argv])}`,
          ),
          note(`Phase B: the hook records its exit code in ${exitFile}`),
          note(
            `Phase C: ${finalize}  (in the new container or at the next ferry start: 0 → SUCCESS, else FAILED + rollback)`,
          ),
          ...(facts.note ? [note(facts.note)] : []),
        ];
      },
      async check(ctx: Ctx) {
        // Never a second hook for the same run: launched (or finalized) stays launched.
        const rec = await recordOf(o);
        if (!rec || rec.phase === 'approval_pending' || rec.phase === 'approved') return undefined;
        ctx.data.pid = rec.pid;
        return { detail: 'already_launched' };
      },
      async run(ctx: Ctx) {
        const record = await loadRecord(o.home, target.service, o.runId);
        // Recorded as launched BEFORE the spawn: a crash in between leaves a run finalize reports as FAILED
        // (no exit code, no live pid) instead of a resume launching a second hook — at most one hook per run.
        record.phase = 'hook_launched';
        record.launched_at = now();
        await saveRecord(o.home, record);
        const pid = launchDetached(launchPlan(ctx.data), { cwd: o.cwd });
        record.pid = pid;
        await saveRecord(o.home, record);
        ctx.data.pid = pid;
        launchedNow = true;
        return { detail: 'hook_launched', output: { pid, exit_file: exitFile, log_file: logFile } };
      },
    },
  ];

  const data: SelfDeployData = {
    service: target.service,
    environment: target.environment,
    source_image_id: null,
    previous_image_id: null,
    hook_argv: [],
    gate_token: null,
    pid: null,
  };
  if (o.dryRun && !o.resume) Object.assign(facts, await precheck(o, data));
  const holder: { error: unknown } = { error: null };
  const run = await openRun<SelfDeployData>(
    {
      pipeline: 'self-deploy',
      runId: o.runId,
      resume: o.resume,
      data,
      buildSteps: () => keepErrors(steps(), holder),
      resumeCommand: resumeCmd,
    },
    engineOptions(o),
  );
  const emit = run.emit;
  try {
    const d = run.state.data;
    if (o.dryRun && o.resume && d.hook_argv.length === 0) Object.assign(facts, await precheck(o, d));
    const plan = planLines(steps(), run.state);
    const base: SelfDeployResult = {
      skill: 'self-deploy',
      status: 'dry_run',
      run_id: o.runId,
      service: target.service,
      environment: target.environment,
      phase: null,
      pid: null,
      exit_file: exitFile,
      log_file: logFile,
      source_image_id: d.source_image_id,
      plan,
      finalize,
    };
    const final = await run.execute();
    if (o.dryRun) return { ...base, source_image_id: final.data.source_image_id };
    if (holder.error) throw holder.error;
    const rec = await recordOf(o);
    const status = launchedNow ? 'hook_launched' : rec?.phase === 'finalized' ? 'finalized' : 'already_launched';
    return {
      ...base,
      status,
      phase: rec?.phase ?? null,
      pid: rec?.pid ?? final.data.pid,
      source_image_id: final.data.source_image_id,
    };
  } finally {
    await run.close();
  }
}
