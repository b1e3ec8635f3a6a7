// `ferry deploy`: analyse → decide → (confirm) → execute on the engine → record → verify → report.
import { existsSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRuntime } from '../adapters/runtime/index.js';
import type { ContainerRuntime } from '../adapters/runtime/types.js';
import type { DeployConfig } from '../config/sections/deploy.js';
import { openRun, writeResult, type EngineOptions } from '../engine/run.js';
import { acquireRunLock } from '../engine/lock.js';
import { eventsFile, runLogFile } from '../engine/paths.js';
import { timestampRunId } from '../engine/run-id.js';
import { ErrorCode, FerryError, serializeError } from '../errors.js';
import { exec as defaultExec, type Exec } from '../util/process.js';
import { analyseLocal } from './analyse-local.js';
import { codeDelivery } from './code-delivery.js';
import { analyseRemote } from './analyse-remote.js';
import { analyseSystem, httpChecks, type HttpCheck, type ServiceRef } from './analyse-system.js';
import { promptYesNo } from './confirm.js';
import { decide, forceAction } from './decide.js';
import { ignoreStateDirs } from './ignore-state-dir.js';
import { readLastDeploy } from './last-deploy.js';
import { planDeploy, rerunCommand, type DeployPlan } from './plan.js';
import {
  ACTION_NAME,
  renderAnalysis,
  renderConfirmation,
  renderDecision,
  renderFailure,
  renderPlan,
  renderSuccess,
} from './report.js';
import { buildResult, type DeployResult } from './result.js';
import { buildDeploySteps, type DeployData, type DeployEnv } from './steps.js';
import { troubleshooting } from './troubleshoot.js';
import type { Analysis, Decision, ForceFlag } from './types.js';

export interface RunDeployOptions {
  config: DeployConfig;
  /** Directory of ferry.yaml; deploy.repo and deploy.state_file are relative to it. */
  configDir: string;
  engine: EngineOptions;
  /** --yes: accept rebuild / full restart without asking. */
  yes: boolean;
  /** May we prompt (stdin and stderr are terminals, not CI)? */
  interactive: boolean;
  confirm?: (question: string) => Promise<boolean>;
  /** Injected runtime (tests); default: from deploy.runtime, or none. */
  runtime?: ContainerRuntime | null;
  exec?: Exec;
  now?: () => Date;
  runId?: string;
  /** Human output; the CLI passes ctx.print (silent under --json). */
  print?: (text: string) => void;
  /** `--action`: run this action whatever the analysis decides (confirmation still follows the action). */
  action?: ForceFlag;
}

export interface RunDeployOutcome {
  result: DeployResult;
  exitCode: 0 | 1;
  resultFile: string | null;
}

export interface Analysed {
  analysis: Analysis;
  decision: Decision;
  plan: DeployPlan;
  services: ServiceRef[];
  checks: HttpCheck[];
  runtime: ContainerRuntime | null;
  root: string;
  stateFile: string;
}

/** Phases 1 and 2, plus the plan: reads only (the config-repo cache under .ferry/cache aside). */
export async function analyseDeploy(
  o: Pick<RunDeployOptions, 'config' | 'configDir' | 'engine' | 'runtime' | 'exec' | 'action'>,
): Promise<Analysed> {
  const cfg = o.config;
  const exec = o.exec ?? defaultExec;
  const root = resolve(o.configDir, cfg.repo ?? '.');
  const stateFile = resolve(o.configDir, cfg.state_file);
  const runtime =
    o.runtime !== undefined
      ? o.runtime
      : cfg.runtime
        ? createRuntime({
            kind: 'docker',
            socket: cfg.runtime.socket,
            stopTimeoutSeconds: cfg.runtime.stop_timeout_seconds,
          })
        : null;
  if (runtime) await runtime.ping();
  const services: ServiceRef[] = (cfg.runtime?.services ?? []).map((s) => ({
    name: s.name,
    container: s.container ?? s.name,
  }));
  const checks: HttpCheck[] = httpChecks(cfg.checks, cfg.runtime?.services ?? []);
  const last = await readLastDeploy(stateFile);
  // A dry run leaves no trace: without a state dir yet, the config-repo cache goes to a temp dir.
  const tempCache =
    o.engine.dryRun && !existsSync(o.engine.stateDir) && cfg.config_repos.length
      ? await mkdtemp(join(tmpdir(), 'ferry-deploy-cache-'))
      : null;
  let local, remote, system;
  try {
    [local, remote, system] = await Promise.all([
      analyseLocal(exec, root, last, cfg.paths),
      analyseRemote(exec, tempCache ?? o.engine.stateDir, cfg.config_repos, last?.config_commits ?? {}),
      analyseSystem(runtime, services, checks, last, cfg.verify.timeout_seconds * 1000),
    ]);
  } finally {
    if (tempCache) await rm(tempCache, { recursive: true, force: true });
  }
  const analysis: Analysis = { local, remote, system, lastDeploy: last };
  const decision = o.action ? forceAction(decide(analysis), o.action) : decide(analysis);
  const planRuntime = cfg.runtime
    ? {
        image: cfg.runtime.image,
        contextDir: cfg.runtime.context,
        dockerfile: cfg.runtime.dockerfile,
        containers: services.map((s) => s.container),
      }
    : null;
  const roots = [...new Set([root, await realpath(root).catch(() => root)])];
  const plan = planDeploy({
    decision,
    actions: cfg.actions,
    runtime: planRuntime,
    services: system.services,
    codeDelivery: codeDelivery(roots, local.files, system.services),
  });
  return { analysis, decision, plan, services, checks, runtime, root, stateFile };
}

function statusCommands(cfg: DeployConfig): string[] {
  return (cfg.actions.status ?? []).flatMap((a) => ('command' in a ? [a.command.join(' ')] : []));
}

/**
 * One deploy at a time per ferry home: the lock is taken before analysis so the decision and the
 * actions see the same world. Dry runs take no lock. @throws LOCKED with the holder's pid.
 */
export async function runDeploy(o: RunDeployOptions): Promise<RunDeployOutcome> {
  if (o.engine.dryRun) return deployLocked(o);
  // State dirs this run may create in the user's repo; a new one is git-ignored (said once, below).
  const stateDirs = [...new Set([o.engine.stateDir, dirname(resolve(o.configDir, o.config.state_file))])];
  const fresh = stateDirs.filter((d) => !existsSync(d));
  const lock = await acquireRunLock(join(o.engine.stateDir, 'deploy'), 'ferry deploy', o.engine.version);
  const progress = { executing: false };
  try {
    return await deployLocked(o, progress);
  } finally {
    await lock.release();
    if (fresh.length && !progress.executing) {
      // Stopped before running anything (confirmation needed or declined, nothing configured, an
      // analysis error): "nothing was changed" holds for the repo too, so the state dirs this run
      // created (lock, config-repo cache) go again and .gitignore is not touched.
      for (const d of fresh) await rm(d, { recursive: true, force: true });
    } else if (fresh.length) {
      const edited = await ignoreStateDirs(o.exec ?? defaultExec, fresh);
      for (const e of edited)
        (o.print ?? (() => undefined))(
          `\nAdded ${e.entry} to ${e.gitignore} (ferry's run state and last-deploy record, not for version control).`,
        );
    }
  }
}

async function deployLocked(
  o: RunDeployOptions,
  progress: { executing: boolean } = { executing: false },
): Promise<RunDeployOutcome> {
  const print = o.print ?? (() => undefined);
  const now = o.now ?? (() => new Date());
  const a = await analyseDeploy(o);
  const base = { analysis: a.analysis, decision: a.decision, plan: a.plan, stateFile: a.stateFile };
  const preview = buildResult({ ...base, status: 'dry_run', runId: null });
  print([renderAnalysis(preview), '', renderDecision(preview), '', renderPlan(preview)].join('\n'));

  if (a.plan.missing) {
    // Shown after the analysis and decision (renderPlan printed what is missing and how to add it).
    const m = a.plan.missing;
    print('\nNothing was changed.');
    throw new FerryError(ErrorCode.CONFIG_INVALID, `${m.message}`, {
      fix: `add deploy.actions.${m.key} (or a deploy.runtime) to ferry.yaml, then: ferry deploy --dry-run`,
      details: { action: a.decision.action, scenario: a.decision.scenario, reasons: a.decision.reasons, missing: m },
    });
  }

  if (o.engine.dryRun) {
    print('\nDry run: nothing was changed.');
    return { result: preview, exitCode: 0, resultFile: null };
  }

  const rerun = rerunCommand({ ...a.plan, needsConfirmation: true });
  const proceed = `Re-run with --yes to proceed${a.plan.forced ? `: ${rerun}` : '.'}`;
  if (a.plan.needsConfirmation && !o.yes) {
    const question = `Proceed with ${ACTION_NAME[a.decision.action]}?`;
    if (!o.interactive) {
      const message = `${a.plan.title} needs confirmation and this is not an interactive terminal; nothing was changed.\n${a.decision.reasons.map((r) => [`- ${r.summary}`, ...r.details.map((d) => `    ${d}`)].join('\n')).join('\n')}\n${proceed}`;
      const error = new FerryError(ErrorCode.CONFIRMATION_REQUIRED, message, { fix: rerun });
      print('\n' + renderConfirmation(preview) + '\n\n' + message.split('\n')[0] + `\n${proceed}`);
      const t = troubleshooting({
        code: error.code,
        phase: 'approval',
        fix: error.fix ?? null,
        plan: a.plan,
        containers: [],
        checks: [],
        statusCommands: [],
        runLog: null,
        completed: [],
        stateBefore: null,
        stateAfter: null,
        stateFile: a.stateFile,
        cwd: a.root,
      });
      const result = buildResult({
        ...base,
        status: 'confirmation_required',
        runId: null,
        error: { ...serializeError(error), phase: 'approval' },
        troubleshooting: t.troubleshooting,
        manualRecovery: [rerun],
      });
      return { result, exitCode: 1, resultFile: null };
    }
    print('\n' + renderConfirmation(preview) + '\n');
    const ok = await (o.confirm ?? promptYesNo)(question);
    if (!ok) {
      const error = new FerryError(ErrorCode.GATE_REJECTED, `${a.plan.title} was not confirmed; nothing was changed`, {
        fix: rerun,
      });
      print('Not confirmed: nothing was changed.');
      return {
        result: buildResult({
          ...base,
          status: 'rejected',
          runId: null,
          error: { ...serializeError(error), phase: 'approval' },
        }),
        exitCode: 1,
        resultFile: null,
      };
    }
  }

  const runId = o.runId ?? timestampRunId('deploy', now());
  const data: DeployData = {
    skill: 'deploy',
    root: a.root,
    state_file: a.stateFile,
    head: a.analysis.local.head,
    decision: a.decision,
    plan: a.plan,
    config_commits: Object.fromEntries(a.analysis.remote.filter((r) => r.current).map((r) => [r.name, r.current!])),
    file_hashes: a.analysis.local.hashes,
    last_deploy_before: a.analysis.lastDeploy,
    last_deploy: a.analysis.lastDeploy,
    built: null,
    baked_config_commits: null,
    actions_taken: [],
    verification: null,
  };
  const cfg = o.config;
  const env: DeployEnv = {
    runtime: a.runtime,
    services: a.services,
    checks: a.checks,
    contextDir: cfg.runtime ? resolve(a.root, cfg.runtime.context) : null,
    dockerfile: cfg.runtime?.dockerfile ?? null,
    verify: {
      retries: cfg.verify.retries,
      intervalMs: cfg.verify.interval_seconds * 1000,
      timeoutMs: cfg.verify.timeout_seconds * 1000,
    },
    now,
  };
  const engine = { ...o.engine, dryRun: false };
  progress.executing = true;
  const run = await openRun<DeployData>(
    {
      pipeline: 'deploy',
      runId,
      resume: false,
      data,
      buildSteps: buildDeploySteps(env),
      resumeCommand: rerunCommand(a.plan),
    },
    engine,
  );
  let final;
  try {
    final = await run.execute();
  } finally {
    await run.close();
  }
  const d = final.data;
  const failedId = final.step_order.find((id) => final.steps[id]?.status === 'failed');
  const failed = failedId ? final.steps[failedId]! : null;
  let result: DeployResult;
  const common = {
    ...base,
    runId,
    actionsTaken: d.actions_taken,
    built: d.built,
    verification: d.verification,
    lastDeploy: d.last_deploy,
  };
  if (failed && failedId) {
    const err = failed.error ?? serializeError(new Error('step failed'));
    const stepTitle =
      failedId === 'STATE' ? 'state update' : failedId === 'VERIFY' ? 'validation' : `execution (${failedId})`;
    const t = troubleshooting({
      code: err.code,
      phase: failedId,
      fix: err.fix,
      plan: a.plan,
      containers: a.services.map((s) => s.container),
      checks: a.checks,
      statusCommands: statusCommands(cfg),
      runLog: existsSync(runLogFile(o.engine.stateDir, runId))
        ? runLogFile(o.engine.stateDir, runId)
        : eventsFile(o.engine.stateDir, runId),
      completed: d.actions_taken.map((x) => x.title),
      stateBefore: d.last_deploy_before,
      stateAfter: d.last_deploy,
      stateFile: a.stateFile,
      cwd: a.root,
    });
    result = buildResult({
      ...common,
      status: 'failed',
      error: { ...err, phase: stepTitle },
      troubleshooting: t.troubleshooting,
      manualRecovery: t.manualRecovery,
    });
  } else {
    result = buildResult({ ...common, status: 'success' });
  }
  const resultFile = await writeResult(o.engine, runId, 'deploy', result);
  print('\n' + (result.status === 'success' ? renderSuccess(result) : renderFailure(result)));
  return { result, exitCode: result.status === 'success' ? 0 : 1, resultFile };
}
