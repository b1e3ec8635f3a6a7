// `ferry promote <service> --env production`: the seed's deploy hook as a flow. Refuse unless the
// latest staging verdict is SUCCESS for this exact image id; retag SOURCE_IMAGE → TARGET_IMAGE (build
// once), switch without building, health loop with a deadline. Exit contract of the hook:
// 0 healthy · 1 failed before the switch (nothing changed) · 2 unhealthy after the switch (rolled back).

import { ErrorCode, FerryError, isFerryError, serializeError, type SerializedError } from '../errors.js';
import type { PromoteBackend } from './backend.js';
import { openFlowRun } from './run-file.js';
import type { ResolvedService } from './service.js';
import { assertStagingPassed } from './staging-gate.js';
import { latestVerdictPath, readLatestVerdict, writeVerdict } from './verdict-store.js';
import type { VerdictStatus } from './verdict.js';
import { assertNotSelf, type SelfIdentity } from './self-detect.js';

export type HookExitCode = 0 | 1 | 2;

export interface PromoteOptions {
  backend: PromoteBackend;
  /** The production (target) service. */
  target: ResolvedService;
  /** The staging service whose verdict gates this promote. */
  staging: ResolvedService;
  /** SOURCE_IMAGE: the image id to promote; default: what the staging container runs now. */
  sourceImageId: () => Promise<string | null>;
  /** Does this image exist on the target host? (nothing is built or pulled) */
  imageExists: (imageId: string) => Promise<boolean>;
  /** The container/service identity, to refuse restarting ourselves. */
  targetIdentity: () => Promise<{ id: string; name: string } | null>;
  self: SelfIdentity;
  home: string;
  runId: string;
  dryRun: boolean;
  /** Hook mode (self-deploy Phase B): no verdict (finalize writes it), the exit code is the contract. */
  hookMode: boolean;
  now?: () => Date;
  log?: (line: string) => void;
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

const PHASES = ['GATE', 'RETAG_SWITCH', 'HEALTH', 'ROLLBACK', 'VERDICT'];

export async function runPromote(o: PromoteOptions): Promise<PromoteResult> {
  const { target, staging } = o;
  const log = o.log ?? (() => undefined);
  const result: PromoteResult = {
    skill: 'promote', status: 'dry_run', exit_code: 0, run_id: o.runId, service: target.service, environment: target.environment,
    runtime: o.backend.kind, source_image_id: null, previous_image_id: null, switched: false, rolled_back: false,
    rollback_healthy: null, detail: '', verdict: null, error: null, plan: [],
  };
  const run = openFlowRun(o.home, 'promote', o.runId, PHASES, { service: target.service, environment: target.environment, hook_mode: o.hookMode }, o.dryRun);

  // ---- before the switch: any failure here is exit 1, production untouched ----
  let previous: string;
  let source: string;
  try {
    await run.phase('GATE', 'running');
    const ident = await o.targetIdentity();
    if (ident) assertNotSelf(o.self, ident, target.service);
    const src = await o.sourceImageId();
    if (!src) {
      throw new FerryError(ErrorCode.NOT_FOUND, `no source image: staging ${staging.spec.container} is not running and no --image was given`, {
        fix: `ferry promote ${target.service} --env ${target.environment} --image <sha256:…>`,
      });
    }
    source = src;
    result.source_image_id = source;
    const verdict = await readLatestVerdict(staging.verdictDir, staging.service, 'staging');
    result.plan.push(`read ${latestVerdictPath(staging.verdictDir, staging.service, 'staging')}: require staging_status SUCCESS for ${source}`);
    try {
      assertStagingPassed(verdict, source, staging.service, staging.environment);
    } catch (e) {
      // A dry run reports the refusal and keeps describing; a real run stops here.
      if (!o.dryRun) throw e;
      result.plan.push(`would REFUSE: ${isFerryError(e) ? `${e.code} ${e.message}` : String(e)}`);
    }
    if (!(await o.imageExists(source))) {
      throw new FerryError(ErrorCode.NOT_FOUND, `image ${source} is not on this host (ferry never rebuilds for production)`, { fix: `docker image inspect ${source}` });
    }
    const prev = await o.backend.currentImageId();
    if (!prev) {
      throw new FerryError(ErrorCode.NOT_FOUND, `production ${target.spec.container} not found: create it once so ferry can promote into it`, {
        fix: target.spec.runtime === 'swarm' ? 'docker service ls' : `docker ps -a --filter name=${target.spec.container}`,
      });
    }
    previous = prev;
    result.previous_image_id = previous;
    result.plan.push(...o.backend.describe(source));
    result.plan.push(`write ${latestVerdictPath(target.verdictDir, target.service, 'deploy')}${o.hookMode ? ' — no: hook mode, ferry finalize writes it' : ''}`);
    await run.phase('GATE', 'completed', undefined, { source_image_id: source, previous_image_id: previous });
  } catch (e) {
    result.exit_code = 1;
    result.status = 'FAILED';
    result.error = serializeError(e);
    result.detail = isFerryError(e) ? e.message : String(e);
    await run.phase('GATE', 'failed', result.error.code);
    if (o.dryRun || isFerryError(e) && (e.code === ErrorCode.USAGE || e.code === ErrorCode.CONFIG_INVALID)) throw e;
    return finish(o, run, result, e);
  }
  if (o.dryRun) {
    await run.finish('dry_run', { ...result });
    return result;
  }

  // ---- the switch ----
  if (previous === source) log(`${target.spec.container} already runs ${source}: verifying health only`);
  await run.phase('RETAG_SWITCH', 'running');
  log(`promoting ${source} → ${target.spec.image} (${o.backend.kind})`);
  const sw = await o.backend.switchTo(source);
  result.switched = true;
  await run.phase('RETAG_SWITCH', 'completed', undefined, { detail: sw.detail });
  await run.phase('HEALTH', sw.healthy ? 'completed' : 'failed', sw.healthy ? 'healthy' : 'unhealthy', { detail: sw.detail });
  result.detail = sw.detail;
  if (sw.healthy) {
    result.status = 'SUCCESS';
    result.exit_code = 0;
    await run.phase('ROLLBACK', 'skipped', 'not_needed');
    return finish(o, run, result, null);
  }

  // ---- unhealthy after the switch: roll back to the previous image id and verify ----
  log(`unhealthy after the switch (${sw.detail}); rolling back to ${previous}`);
  await run.phase('ROLLBACK', 'running');
  const rb = previous === source ? { healthy: false, detail: 'no different previous image to roll back to' } : await o.backend.rollback(previous, sw);
  result.rolled_back = previous !== source;
  result.rollback_healthy = rb.healthy;
  result.detail = `${sw.detail}; rollback: ${rb.detail}`;
  await run.phase('ROLLBACK', rb.healthy ? 'completed' : 'failed', rb.healthy ? 'rolled_back_healthy' : 'rollback_unhealthy', { detail: rb.detail });
  result.status = 'FAILED';
  result.exit_code = 2;
  const err = new FerryError(ErrorCode.HEALTH_FAILED, `${target.service} unhealthy after the switch; ${rb.healthy ? 'rolled back to the previous image (healthy)' : 'ROLLBACK UNHEALTHY'}`, {
    details: { source_image_id: source, previous_image_id: previous, detail: result.detail },
  });
  result.error = serializeError(err);
  return finish(o, run, result, err);
}

async function finish(o: PromoteOptions, run: ReturnType<typeof openFlowRun>, result: PromoteResult, err: unknown): Promise<PromoteResult> {
  if (!o.hookMode && result.status !== 'dry_run') {
    await run.phase('VERDICT', 'running');
    const paths = await writeDeployVerdict(o.target, {
      status: result.status,
      runId: o.runId,
      imageId: result.source_image_id ?? 'unknown',
      previousImageId: result.previous_image_id,
      exitCode: result.exit_code,
      rolledBack: result.rolled_back,
      detail: result.detail,
      now: o.now,
      error: err,
    });
    result.verdict = paths.latest;
    await run.phase('VERDICT', 'completed');
  } else {
    await run.phase('VERDICT', 'skipped', o.hookMode ? 'hook_mode_finalize_writes' : 'dry_run');
  }
  await run.finish(result.exit_code === 0 ? 'completed' : 'failed', { ...result });
  return result;
}

export interface DeployVerdictFacts {
  status: VerdictStatus;
  runId: string;
  imageId: string;
  previousImageId: string | null;
  exitCode: number | null;
  rolledBack: boolean;
  detail: string;
  now?: () => Date;
  error?: unknown;
  extra?: Record<string, string | number | boolean | null>;
}

/** `deploy_status: SUCCESS|FAILED` in 14-deploy-log.md (also used by ferry finalize). */
export function writeDeployVerdict(target: ResolvedService, f: DeployVerdictFacts): Promise<{ latest: string; history: string }> {
  const summary = f.status === 'SUCCESS'
    ? `Deployed ${f.imageId} to ${target.environment}; health check passed.`
    : `Deploy FAILED (hook exit ${f.exitCode ?? 'none'})${f.rolledBack ? '; production rolled back to the previous image' : ''}. See details below.`;
  return writeVerdict(target.verdictDir, {
    kind: 'deploy',
    status: f.status,
    timestamp: (f.now?.() ?? new Date()).toISOString(),
    base_url: target.spec.base_url ?? null,
    image_id: f.imageId,
    run_id: f.runId,
    service: target.service,
    environment: target.environment,
    extra: { previous_image_id: f.previousImageId, exit_code: f.exitCode, rolled_back: f.rolledBack, ...(f.extra ?? {}) },
    summary,
    output: f.status === 'FAILED' ? [f.detail, f.error && isFerryError(f.error) && f.error.fix ? `fix: ${f.error.fix}` : ''].filter(Boolean).join('\n') : undefined,
  });
}
