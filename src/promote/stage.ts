// `ferry stage <service>`: run the configured staging check INSIDE the staging container (docker
// exec through the Engine API), map exit 0 → SUCCESS and anything else → FAILED, write the verdict.

import { ErrorCode, FerryError } from '../errors.js';
import type { ContainerRuntime } from '../adapters/runtime/types.js';
import { formatCommand } from '../util/process.js';
import { fillArgv, type ResolvedService } from './service.js';
import { openFlowRun } from './run-file.js';
import { historyVerdictPath, latestVerdictPath, writeVerdict } from './verdict-store.js';
import type { VerdictStatus } from './verdict.js';

export interface StageOptions {
  runtime: ContainerRuntime;
  svc: ResolvedService;
  /** The ferry home (.ferry/). */
  home: string;
  runId: string;
  dryRun: boolean;
  /** Container that runs the check; default: the service's container (swarm: a running task's container). */
  container?: string;
  now?: () => Date;
}

export interface StageResult {
  skill: 'stage';
  status: VerdictStatus | 'dry_run';
  run_id: string;
  service: string;
  environment: string;
  container: string;
  image_id: string | null;
  exit_code: number | null;
  output: string;
  verdict: string | null;
  plan: string[];
}

/** Pure: the check's argv and what stage would do (printed by --dry-run). */
export function planStage(svc: ResolvedService, container: string, runId: string): { argv: string[]; plan: string[] } {
  if (!svc.spec.check) {
    throw new FerryError(ErrorCode.CONFIG_INVALID, `environments.${svc.environment}.services.${svc.service}.check is not set`, {
      fix: `add check: [sh, -c, "..."] under environments.${svc.environment}.services.${svc.service} in ferry.yaml`,
    });
  }
  const baseUrl = svc.spec.base_url ?? '';
  const argv = fillArgv(svc.spec.check, { base_url: baseUrl, service: svc.service, environment: svc.environment });
  return {
    argv,
    plan: [
      `inspect container ${container} (must be running; record its image id)`,
      `docker exec ${container} ${formatCommand(argv[0]!, argv.slice(1))}   (timeout ${svc.spec.check_timeout_seconds}s)`,
      `write ${latestVerdictPath(svc.verdictDir, svc.service, 'staging')} (staging_status: SUCCESS on exit 0, else FAILED)`,
      `write ${historyVerdictPath(svc.verdictDir, svc.service, 'staging', runId)}`,
    ],
  };
}

/** @throws NOT_FOUND (no container), DEPLOY_FAILED (not running), CONFIG_INVALID (no check) */
export async function runStage(o: StageOptions): Promise<StageResult> {
  const { svc } = o;
  const container = o.container ?? svc.spec.container;
  const { argv, plan } = planStage(svc, container, o.runId);
  const base: StageResult = {
    skill: 'stage', status: 'dry_run', run_id: o.runId, service: svc.service, environment: svc.environment,
    container, image_id: null, exit_code: null, output: '', verdict: null, plan,
  };
  if (o.dryRun) return base;

  const run = openFlowRun(o.home, 'stage', o.runId, ['INSPECT', 'CHECK', 'VERDICT'], { service: svc.service, environment: svc.environment }, false);
  await run.phase('INSPECT', 'running');
  const info = await o.runtime.inspectContainer(container);
  if (!info) {
    await run.phase('INSPECT', 'failed', 'not_found');
    await run.finish('failed', { ...base, status: 'FAILED' });
    throw new FerryError(ErrorCode.NOT_FOUND, `staging container ${container} not found`, { fix: `docker ps -a --filter name=${container}` });
  }
  if (!info.running) {
    await run.phase('INSPECT', 'failed', 'not_running');
    await run.finish('failed', { ...base, status: 'FAILED' });
    throw new FerryError(ErrorCode.DEPLOY_FAILED, `staging container ${container} is not running (${info.status})`, { fix: `docker start ${container}` });
  }
  await run.phase('INSPECT', 'completed', undefined, { image_id: info.imageId });

  await run.phase('CHECK', 'running');
  let exitCode: number;
  let output: string;
  try {
    const r = await o.runtime.exec(container, argv, { timeoutMs: svc.spec.check_timeout_seconds * 1000 });
    exitCode = r.exitCode;
    output = [r.stdout, r.stderr].filter((s) => s.trim() !== '').join('\n');
  } catch (e) {
    // A check that cannot even start (missing binary, timeout) is a failed check, with the reason as output.
    exitCode = -1;
    output = e instanceof Error ? e.message : String(e);
  }
  const status: VerdictStatus = exitCode === 0 ? 'SUCCESS' : 'FAILED';
  await run.phase('CHECK', 'completed', status, { exit_code: exitCode });

  await run.phase('VERDICT', 'running');
  const paths = await writeVerdict(svc.verdictDir, {
    kind: 'staging',
    status,
    timestamp: (o.now?.() ?? new Date()).toISOString(),
    base_url: svc.spec.base_url ?? null,
    image_id: info.imageId,
    run_id: o.runId,
    service: svc.service,
    environment: svc.environment,
    extra: { container, image: info.image, exit_code: exitCode },
    summary: status === 'SUCCESS'
      ? 'Staging test suite completed. All checks passed.'
      : `Staging test suite FAILED (exit ${exitCode}). See details below.`,
    output: status === 'FAILED' ? output : undefined,
  });
  await run.phase('VERDICT', 'completed', undefined, { verdict: paths.latest });
  const result: StageResult = { ...base, status, image_id: info.imageId, exit_code: exitCode, output, verdict: paths.latest };
  await run.finish(status === 'SUCCESS' ? 'completed' : 'failed', { ...result });
  return result;
}
