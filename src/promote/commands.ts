// The four commands' cores, called by the thin src/cli/{stage,promote,self-deploy,finalize}.ts:
// config + flags in, a result object and an exit code out. Printing is the CLI's job.

import { ErrorCode, FerryError, isFerryError, serializeError } from '../errors.js';
import { timestampRunId, validateRunId } from '../engine/run-id.js';
import type { EngineOptions } from '../engine/run.js';
import { loadState } from '../engine/state-store.js';
import type { LoadedConfig } from '../config/load.js';
import { GATE_TOKEN_PATTERN } from '../adapters/gate/types.js';
import { exec, formatCommand, quoteArg } from '../util/process.js';
import { runStage, type StageResult } from './stage.js';
import { runPromote, writeDeployVerdict, type PromoteData, type PromoteResult } from './promote.js';
import { runSelfDeploy, type GateAnswer, type SelfDeployResult } from './self-deploy.js';
import { runFinalize, type FinalizeResult } from './finalize.js';
import { identify, probeSelf, type SelfIdentity } from './self-detect.js';
import { resolveService } from './service.js';
import { backendFor, createRuntimes, resolvePair, sourceImageIdFn, stageContainer, targetIdentityFn, type Runtimes } from './wiring.js';

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
  return explicit ? validateRunId(explicit) : timestampRunId(pipeline);
}

function flow(c: CommandEnv): { home: string; dryRun: boolean; engine?: Partial<EngineOptions> } {
  return { home: c.home, dryRun: c.dryRun, engine: c.engine };
}

export async function stageCommand(c: CommandEnv, service: string, f: { env?: string; runId?: string; resume?: string }): Promise<{ result: StageResult; exitCode: number }> {
  const rt = runtimes(c);
  if (f.resume && f.runId) throw new FerryError(ErrorCode.USAGE, 'give --resume or --run-id, not both', { fix: `ferry stage ${service} --resume ${f.resume}` });
  const runId = f.resume ? validateRunId(f.resume, '--resume') : runIdOf('stage', f.runId);
  let env = f.env ?? 'staging';
  let container: string | undefined;
  if (f.resume) {
    const { state } = await loadState<{ service: string; environment: string; container: string }>(c.home, 'stage', runId);
    if (state.data.service !== service) throw new FerryError(ErrorCode.USAGE, `run ${runId} stages ${state.data.service}, not ${service}`, { fix: `ferry stage ${state.data.service} --resume ${runId}` });
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
/** `printPlan`: the plan was not rendered as engine events (the remote ssh promote) and should be printed. */
export async function promoteCommand(c: CommandEnv, service: string, flags: PromoteFlags): Promise<{ result: PromoteResult; exitCode: number; printPlan?: boolean }> {
  const f = { ...flags };
  if (f.resume && f.runId) throw new FerryError(ErrorCode.USAGE, 'give --resume or --run-id, not both', { fix: `ferry promote ${service} --resume ${f.resume}` });
  const runId = f.resume ? validateRunId(f.resume, '--resume') : runIdOf('promote', f.runId);
  if (f.resume) {
    // The run names its environment and mode; flags may repeat them but not change them.
    const { state } = await loadState<PromoteData>(c.home, 'promote', runId);
    const d = state.data;
    if (d.service !== service || (f.env && f.env !== d.environment)) {
      throw new FerryError(ErrorCode.USAGE, `run ${runId} promotes ${d.service} to ${d.environment}`, { fix: `ferry promote ${d.service} --env ${d.environment} --resume ${runId}` });
    }
    f.env = d.environment;
    f.hookMode = f.hookMode || d.hook_mode;
    f.image ??= d.source_image_id ?? undefined;
  }
  if (!f.env) {
    throw new FerryError(ErrorCode.CONFIRMATION_REQUIRED, `promote changes a live environment: name it explicitly (defaults are staging-safe)`, { fix: `ferry promote ${service} --env production` });
  }
  const rt = runtimes(c);
  const self = selfOf(c);
  const { target, staging } = resolvePair(c.loaded.config.environments, service, f.env, c.loaded.dir);
  if (target.spec.self && !f.hookMode) {
    throw new FerryError(ErrorCode.CONFIRMATION_REQUIRED, `${service} runs ferry itself: it is deployed by the detached self-deploy hook, never synchronously`, { fix: `ferry self-deploy ${service} --env ${f.env}` });
  }
  if (target.spec.host && !f.hookMode) return remotePromote(c, rt, service, f, runId);
  const result = await runPromote({
    backend: backendFor(rt, target), target, staging,
    sourceImageId: sourceImageIdFn(rt, staging, f.image),
    imageExists: async (id) => (await rt.docker.inspectImage(id)) !== null,
    targetIdentity: targetIdentityFn(rt, target, self), self,
    ...flow(c), runId, resume: Boolean(f.resume), hookMode: Boolean(f.hookMode), log: c.log,
  });
  return { result, exitCode: result.exit_code };
}

/** Pure: the synchronous non-self deploy over ssh — the same hook, run on the service's host. */
export function remoteHookArgv(host: string, service: string, env: string, imageId: string, runId: string): string[] {
  const hook = ['ferry', 'promote', service, '--env', env, '--hook-mode', '--image', imageId, '--run-id', runId];
  return ['ssh', '-o', 'BatchMode=yes', host, '--', hook.map(quoteArg).join(' ')];
}

async function remotePromote(c: CommandEnv, rt: Runtimes, service: string, f: PromoteFlags, runId: string): Promise<{ result: PromoteResult; exitCode: number; printPlan?: boolean }> {
  const { target, staging } = resolvePair(c.loaded.config.environments, service, f.env!, c.loaded.dir);
  const host = target.spec.host!;
  const source = f.image ?? (await sourceImageIdFn(rt, staging)());
  if (!source) throw new FerryError(ErrorCode.NOT_FOUND, 'no source image id: pass --image', { fix: `ferry promote ${service} --env ${f.env} --image <sha256:…>` });
  const argv = remoteHookArgv(host, service, f.env!, source, `${runId}-hook`);
  const result: PromoteResult = {
    skill: 'promote', status: 'dry_run', exit_code: 0, run_id: runId, service, environment: target.environment, runtime: target.spec.runtime,
    source_image_id: source, previous_image_id: null, switched: false, rolled_back: false, rollback_healthy: null, detail: '', verdict: null, error: null,
    plan: [`${formatCommand(argv[0]!, argv.slice(1))}   (hook exit 0/1/2 → deploy verdict here)`],
  };
  if (c.dryRun) return { result, exitCode: 0, printPlan: true };
  const r = await exec(argv[0]!, argv.slice(1), { reject: false, timeoutMs: (target.spec.health_timeout_seconds + 600) * 1000 });
  const code = r.exitCode === 0 || r.exitCode === 1 || r.exitCode === 2 ? r.exitCode : 1;
  result.exit_code = code;
  result.status = code === 0 ? 'SUCCESS' : 'FAILED';
  result.switched = code !== 1;
  result.rolled_back = code === 2;
  result.detail = r.all.split('\n').slice(-20).join('\n');
  result.verdict = (await writeDeployVerdict(target, { status: result.status, runId, imageId: source, previousImageId: null, exitCode: r.exitCode, rolledBack: code === 2, detail: result.detail, extra: { host } })).latest;
  return { result, exitCode: code };
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

/** --gate-attestation <ts>:<run_id>, bound to this run. @throws INVALID_GATE_TOKEN */
export function checkAttestation(token: string, runId: string): GateAnswer {
  const m = GATE_TOKEN_PATTERN.exec(token);
  if (!m) throw new FerryError(ErrorCode.INVALID_GATE_TOKEN, `--gate-attestation ${JSON.stringify(token)} is not <ts>:<run_id>`, { fix: `--gate-attestation <ts>:${runId}` });
  if (m[2] !== runId) throw new FerryError(ErrorCode.INVALID_GATE_TOKEN, `--gate-attestation was issued for run ${m[2]}, not ${runId}`, { fix: `--gate-attestation <ts>:${runId}` });
  return { approved: true, token };
}

export async function selfDeployCommand(c: CommandEnv, service: string, f: SelfDeployFlags): Promise<{ result: SelfDeployResult; exitCode: number }> {
  const env = f.env ?? 'production';
  const rt = runtimes(c);
  const self = selfOf(c);
  const runId = f.resume ? validateRunId(f.resume, '--resume') : runIdOf('self-deploy', f.runId);
  const { target, staging } = resolvePair(c.loaded.config.environments, service, env, c.loaded.dir);
  if (f.gateAttestation) checkAttestation(f.gateAttestation, runId);
  const approve = async (message: string, id: string): Promise<GateAnswer> => {
    if (f.gateAttestation) return checkAttestation(f.gateAttestation, id);
    if (!f.interactive) throw new FerryError(ErrorCode.GATE_UNAVAILABLE, 'no terminal to ask');
    const { TtyGate } = await import('../adapters/gate/tty.js');
    try {
      const d = await new TtyGate({ isTTY: true }).request({ runId: id, planHash: '', message, timeoutMs: 60 * 60 * 1000 });
      return { approved: d.approved, token: d.token };
    } catch (e) {
      if (isFerryError(e) && e.code === ErrorCode.GATE_REJECTED) return { approved: false, token: '' };
      throw e;
    }
  };
  const hookArgv = (image: string, id: string): string[] => [
    ...f.ferryArgv, '--config', c.loaded.path, '--state-dir', c.home, 'promote', service, '--env', env, '--hook-mode', '--image', image, '--run-id', `${id}-hook`,
  ];
  const result = await runSelfDeploy({
    target, staging, ...flow(c), runId, resume: Boolean(f.resume),
    sourceImageId: sourceImageIdFn(rt, staging, f.image), currentImageId: () => backendFor(rt, target).currentImageId(),
    targetIdentity: targetIdentityFn(rt, target, self), self, approve, hookArgv, cwd: c.loaded.dir,
  });
  return { result, exitCode: 0 };
}

export async function finalizeCommand(c: CommandEnv, service: string | undefined, f: { env?: string; runId?: string; waitSeconds?: number }): Promise<{ results: FinalizeResult[]; exitCode: number }> {
  const env = f.env ?? 'production';
  const rt = runtimes(c);
  const self = selfOf(c);
  const envs = c.loaded.config.environments;
  // Without a service: every self service of the environment (what the next ferry start runs).
  const services = service ? [service] : Object.entries(envs?.[env]?.services ?? {}).filter(([, s]) => s.self).map(([n]) => n);
  const results: FinalizeResult[] = [];
  for (const name of services) {
    const target = resolveService(envs, env, name, c.loaded.dir);
    try {
      results.push(await runFinalize({
        target, ...flow(c), runId: f.runId, backend: backendFor(rt, target), self,
        targetIdentity: targetIdentityFn(rt, target, self), waitMs: (f.waitSeconds ?? 0) * 1000,
      }));
    } catch (e) {
      if (service) throw e;
      results.push({ skill: 'finalize', status: 'FAILED', run_id: f.runId ?? null, service: name, hook_exit_code: null, rolled_back: false, detail: serializeError(e).message, verdict: null, plan: [] });
    }
  }
  return { results, exitCode: results.some((r) => r.status === 'FAILED') ? 1 : 0 };
}
