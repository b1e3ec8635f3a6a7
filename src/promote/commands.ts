// The four commands' cores, called by the thin src/cli/{stage,promote,self-deploy,finalize}.ts:
// config + flags in, a result object and an exit code out. Printing is the CLI's job.

import { ErrorCode, FerryError, isFerryError, serializeError } from '../errors.js';
import { timestampRunId, validateRunId } from '../engine/run-id.js';
import type { EngineOptions } from '../engine/run.js';
import { loadState } from '../engine/state-store.js';
import type { LoadedConfig } from '../config/load.js';
import { GATE_TOKEN_PATTERN } from '../adapters/gate/types.js';
import { runStage, type StageResult } from './stage.js';
import { runPromote, type PromoteData, type PromoteResult } from './promote.js';
import { GATE_TS_HINT, runSelfDeploy, type GateAnswer, type SelfDeployResult } from './self-deploy.js';
import { runFinalize, type FinalizeResult } from './finalize.js';
import { identify, probeSelf, type SelfIdentity } from './self-detect.js';
import { remoteHook, sshBackend } from './backend-ssh.js';
import { runHookStep } from './hook-step.js';
import type { HookStepOutput } from './hook-step-schema.js';
import { assertImageRef, resolveService, type ResolvedService } from './service.js';
import { HOOK_STEPS, isHookStep, remoteFerry } from './ssh.js';
import {
  backendFor,
  createRuntimes,
  resolvePair,
  sourceImageIdFn,
  stageContainer,
  targetIdentityFn,
  type Runtimes,
} from './wiring.js';

export interface CommandEnv {
  loaded: LoadedConfig;
  /** The ferry home (.ferry/). */
  home: string;
  dryRun: boolean;
  runtimes?: Runtimes;
  self?: SelfIdentity;
  log?: (line: string) => void;
  /** Renderer / verbose from the CLI (the engine's state dir is always `home`). */
  engine?: Partial<EngineOptions>;
}

function runtimes(c: CommandEnv): Runtimes {
  return c.runtimes ?? createRuntimes();
}
function selfOf(c: CommandEnv): SelfIdentity {
  return c.self ?? identify(probeSelf());
}
function runIdOf(pipeline: string, explicit?: string): string {
  return explicit ? validateRunId(explicit, '--run-id', pipeline) : timestampRunId(pipeline);
}

function flow(c: CommandEnv): { home: string; dryRun: boolean; engine?: Partial<EngineOptions> } {
  return { home: c.home, dryRun: c.dryRun, engine: c.engine };
}

export async function stageCommand(
  c: CommandEnv,
  service: string,
  f: { env?: string; runId?: string; resume?: string },
): Promise<{ result: StageResult; exitCode: number }> {
  const rt = runtimes(c);
  if (f.resume && f.runId)
    throw new FerryError(ErrorCode.USAGE, 'give --resume or --run-id, not both', {
      fix: `ferry stage ${service} --resume ${f.resume}`,
    });
  const runId = f.resume ? validateRunId(f.resume, '--resume') : runIdOf('stage', f.runId);
  let env = f.env ?? 'staging';
  let container: string | undefined;
  if (f.resume) {
    const { state } = await loadState<{ service: string; environment: string; container: string }>(
      c.home,
      'stage',
      runId,
    );
    if (state.data.service !== service)
      throw new FerryError(ErrorCode.USAGE, `run ${runId} stages ${state.data.service}, not ${service}`, {
        fix: `ferry stage ${state.data.service} --resume ${runId}`,
      });
    env = state.data.environment;
    container = state.data.container;
  }
  const svc = resolveService(c.loaded.config.environments, env, service, c.loaded.dir);
  container ??= await stageContainer(rt, svc);
  const result = await runStage({ runtime: rt.docker, svc, ...flow(c), runId, resume: Boolean(f.resume), container });
  return { result, exitCode: result.status === 'FAILED' ? 1 : 0 };
}

export interface PromoteFlags {
  env?: string;
  image?: string;
  runId?: string;
  resume?: string;
  hookMode?: boolean;
}

/** Exit code is the hook contract: 0 healthy, 1 failed before the switch, 2 unhealthy after it (rolled back). */
export async function promoteCommand(
  c: CommandEnv,
  service: string,
  flags: PromoteFlags,
): Promise<{ result: PromoteResult; exitCode: number }> {
  const f = { ...flags };
  if (f.image !== undefined) assertImageRef(f.image);
  if (f.resume && f.runId)
    throw new FerryError(ErrorCode.USAGE, 'give --resume or --run-id, not both', {
      fix: `ferry promote ${service} --resume ${f.resume}`,
    });
  const runId = f.resume ? validateRunId(f.resume, '--resume') : runIdOf('promote', f.runId);
  if (f.resume) {
    // The run names its environment and mode; flags may repeat them but not change them.
    const { state } = await loadState<PromoteData>(c.home, 'promote', runId);
    const d = state.data;
    if (d.service !== service || (f.env && f.env !== d.environment)) {
      throw new FerryError(ErrorCode.USAGE, `run ${runId} promotes ${d.service} to ${d.environment}`, {
        fix: `ferry promote ${d.service} --env ${d.environment} --resume ${runId}`,
      });
    }
    f.env = d.environment;
    f.hookMode = f.hookMode || d.hook_mode;
    f.image ??= d.source_image_id ?? undefined;
  }
  if (!f.env) {
    throw new FerryError(
      ErrorCode.CONFIRMATION_REQUIRED,
      `promote changes a live environment: name it explicitly (defaults are staging-safe)`,
      { fix: `ferry promote ${service} --env production` },
    );
  }
  const rt = runtimes(c);
  const self = selfOf(c);
  const { target, staging } = resolvePair(c.loaded.config.environments, service, f.env, c.loaded.dir);
  if (target.spec.self && !f.hookMode) {
    throw new FerryError(
      ErrorCode.CONFIRMATION_REQUIRED,
      `${service} runs ferry itself: it is deployed by the detached self-deploy hook, never synchronously`,
      { fix: `ferry self-deploy ${service} --env ${f.env}` },
    );
  }
  // A service with a host (and not this process running as its hook there): the same engine steps,
  // each runtime call made on the host over ssh; state, events and the verdict stay here.
  const remote = target.spec.host && !f.hookMode;
  const result = await runPromote({
    ...(remote
      ? remoteDeps(c, rt, target, staging, f.image)
      : {
          backend: backendFor(rt, target),
          sourceImageId: sourceImageIdFn(rt, staging, f.image),
          imageExists: async (id: string) => (await rt.docker.inspectImage(id)) !== null,
          targetIdentity: targetIdentityFn(rt, target, self),
        }),
    target,
    staging,
    self,
    ...flow(c),
    runId,
    resume: Boolean(f.resume),
    hookMode: Boolean(f.hookMode),
  });
  return { result, exitCode: result.exit_code };
}

/** The promote deps of a service on another host: backend, source image, image check and identity over ssh. */
function remoteDeps(c: CommandEnv, rt: Runtimes, target: ResolvedService, staging: ResolvedService, image?: string) {
  const hook = remoteHook(target, c.loaded.path);
  const inner = backendFor(rt, target);
  const remoteId = async (ref: string): Promise<string | null> => {
    const v = (await hook.call('image-id', { image: ref })).image_id;
    return typeof v === 'string' && v ? v : null;
  };
  const stagingCurrent = async (): Promise<string | null> => {
    if (!staging.spec.host) return sourceImageIdFn(rt, staging)();
    const v = (await remoteHook(staging, c.loaded.path).call('current')).image_id;
    return typeof v === 'string' && v ? v : null;
  };
  return {
    backend: sshBackend(target, { configPath: c.loaded.path, inner }),
    // --image is resolved on the target host (where it must exist); else what staging runs now.
    sourceImageId: async () => (image ? ((await remoteId(image)) ?? image) : stagingCurrent()),
    imageExists: async (id: string) => (await remoteId(id)) !== null,
    targetIdentity: async () => {
      const v = (await hook.call('identity')).identity as { id?: unknown; name?: unknown } | null;
      return v && typeof v.id === 'string' ? { id: v.id, name: String(v.name ?? '') } : null;
    },
  };
}

function remoteSelfDeps(
  c: CommandEnv,
  rt: Runtimes,
  target: ResolvedService,
  staging: ResolvedService,
  image?: string,
) {
  const r = remoteDeps(c, rt, target, staging, image);
  return {
    sourceImageId: r.sourceImageId,
    currentImageId: () => r.backend.currentImageId(),
    targetIdentity: r.targetIdentity,
  };
}

/** The runtime backend for a service: over ssh when it has a host, else this host's. */
function backendOf(c: CommandEnv, rt: Runtimes, target: ResolvedService) {
  return target.spec.host
    ? sshBackend(target, { configPath: c.loaded.path, inner: backendFor(rt, target) })
    : backendFor(rt, target);
}

/** `--hook-step`: one backend call on this host (the remote side of a synchronous ssh promote). */
export async function hookStepCommand(
  c: CommandEnv,
  service: string,
  f: { env?: string; step: string; image?: string; autoRolledBack?: boolean },
): Promise<HookStepOutput> {
  if (!isHookStep(f.step))
    throw new FerryError(
      ErrorCode.USAGE,
      `unknown --hook-step ${JSON.stringify(f.step)} (one of ${HOOK_STEPS.join(', ')})`,
    );
  if (!f.env) throw new FerryError(ErrorCode.USAGE, '--hook-step needs --env');
  if (c.dryRun && ['retag', 'switch', 'rollback'].includes(f.step))
    throw new FerryError(ErrorCode.USAGE, `--hook-step ${f.step} changes the target: not in a dry run`);
  const rt = runtimes(c);
  const target = resolveService(c.loaded.config.environments, f.env, service, c.loaded.dir);
  return runHookStep(
    {
      backend: backendFor(rt, target),
      imageId: async (ref) => (await rt.docker.inspectImage(ref))?.id ?? null,
      identity: targetIdentityFn(rt, target, selfOf(c)),
    },
    f.step,
    { image: f.image, autoRolledBack: f.autoRolledBack },
  );
}

export interface SelfDeployFlags {
  env?: string;
  image?: string;
  runId?: string;
  resume?: string;
  gateAttestation?: string;
  /** A terminal is attached (the CLI decides). */
  interactive: boolean;
  /** argv that runs ferry itself, e.g. [node, /…/bin/ferry.js]. */
  ferryArgv: string[];
}

/**
 * --gate-attestation <ts>:<run_id>, bound to this run. `retry` is the command to run again with a
 * corrected token. @throws INVALID_GATE_TOKEN
 */
export function checkAttestation(token: string, runId: string, retry = ''): GateAnswer {
  const m = GATE_TOKEN_PATTERN.exec(token);
  const fix = `${retry ? `${retry} ` : ''}--gate-attestation <ts>:${runId}   (${GATE_TS_HINT})`;
  if (!m)
    throw new FerryError(
      ErrorCode.INVALID_GATE_TOKEN,
      `--gate-attestation ${JSON.stringify(token)} is not <ts>:<run_id>`,
      { fix },
    );
  if (m[2] !== runId)
    throw new FerryError(ErrorCode.INVALID_GATE_TOKEN, `--gate-attestation was issued for run ${m[2]}, not ${runId}`, {
      fix,
    });
  return { approved: true, token };
}

export async function selfDeployCommand(
  c: CommandEnv,
  service: string,
  f: SelfDeployFlags,
): Promise<{ result: SelfDeployResult; exitCode: number }> {
  const env = f.env ?? 'production';
  if (f.image !== undefined) assertImageRef(f.image);
  const rt = runtimes(c);
  const self = selfOf(c);
  const runId = f.resume ? validateRunId(f.resume, '--resume') : runIdOf('self-deploy', f.runId);
  const { target, staging } = resolvePair(c.loaded.config.environments, service, env, c.loaded.dir);
  const retry = `ferry self-deploy ${service} --env ${env} ${f.resume ? '--resume' : '--run-id'} ${runId}`;
  if (f.gateAttestation) checkAttestation(f.gateAttestation, runId, retry);
  const approve = async (message: string, id: string): Promise<GateAnswer> => {
    if (f.gateAttestation) return checkAttestation(f.gateAttestation, id, retry);
    if (!f.interactive) throw new FerryError(ErrorCode.GATE_UNAVAILABLE, 'no terminal to ask');
    const { TtyGate } = await import('../adapters/gate/tty.js');
    try {
      const d = await new TtyGate({ isTTY: true }).request({
        runId: id,
        planHash: '',
        message,
        timeoutMs: 60 * 60 * 1000,
      });
      return { approved: d.approved, token: d.token };
    } catch (e) {
      if (isFerryError(e) && e.code === ErrorCode.GATE_REJECTED) return { approved: false, token: '' };
      throw e;
    }
  };
  // On a host: the configured remote ferry (ssh.ferry / ssh.config); the state dir is shared with the
  // host (the exit-code file finalize reads lives there), as the seed's mounted orchestrator home is.
  const ferryPrefix = target.spec.host
    ? remoteFerry(target, c.loaded.path)
    : [...f.ferryArgv, '--config', c.loaded.path];
  const hookArgv = (image: string, id: string): string[] => [
    ...ferryPrefix,
    '--state-dir',
    c.home,
    'promote',
    service,
    '--env',
    env,
    '--hook-mode',
    '--image',
    image,
    '--run-id',
    `${id}-hook`,
  ];
  const result = await runSelfDeploy({
    target,
    staging,
    ...flow(c),
    runId,
    resume: Boolean(f.resume),
    ...(target.spec.host
      ? remoteSelfDeps(c, rt, target, staging, f.image)
      : {
          sourceImageId: sourceImageIdFn(rt, staging, f.image),
          currentImageId: () => backendFor(rt, target).currentImageId(),
          targetIdentity: targetIdentityFn(rt, target, self),
        }),
    self,
    approve,
    hookArgv,
    cwd: c.loaded.dir,
  });
  return { result, exitCode: 0 };
}

export async function finalizeCommand(
  c: CommandEnv,
  service: string | undefined,
  f: { env?: string; runId?: string; waitSeconds?: number },
): Promise<{ results: FinalizeResult[]; exitCode: number }> {
  const env = f.env ?? 'production';
  const rt = runtimes(c);
  const self = selfOf(c);
  const envs = c.loaded.config.environments;
  // Without a service: every self service of the environment (what the next ferry start runs).
  const services = service
    ? [service]
    : Object.entries(envs?.[env]?.services ?? {})
        .filter(([, s]) => s.self)
        .map(([n]) => n);
  const results: FinalizeResult[] = [];
  for (const name of services) {
    const target = resolveService(envs, env, name, c.loaded.dir);
    try {
      results.push(
        await runFinalize({
          target,
          ...flow(c),
          runId: f.runId,
          backend: backendOf(c, rt, target),
          self,
          targetIdentity: target.spec.host
            ? remoteDeps(c, rt, target, target).targetIdentity
            : targetIdentityFn(rt, target, self),
          waitMs: (f.waitSeconds ?? 0) * 1000,
        }),
      );
    } catch (e) {
      if (service) throw e;
      results.push({
        skill: 'finalize',
        status: 'FAILED',
        run_id: f.runId ?? null,
        service: name,
        hook_exit_code: null,
        rolled_back: false,
        detail: serializeError(e).message,
        verdict: null,
        plan: [],
      });
    }
  }
  return { results, exitCode: results.some((r) => r.status === 'FAILED') ? 1 : 0 };
}
