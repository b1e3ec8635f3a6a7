// `ferry promote` as engine steps. Each step persists what it learnt in PromoteData, so a run killed
// at any instant resumes where it stopped and can still roll back (the previous image id is saved
// before anything changes). Health failures after the switch do not throw: HEALTH records
// `unhealthy`, ROLLBACK runs, VERDICT records it; the exit code (0/1/2) is derived from the state.

import { ErrorCode, FerryError, serializeError, type SerializedError } from '../errors.js';
import type { Step, StepContext } from '../engine/types.js';
import type { HealthOutcome, PromoteBackend } from './backend.js';
import { deployVerdictWritten, writeDeployVerdict } from './deploy-verdict.js';
import { edit, exec, note } from './pipeline.js';
import { assertNotSelf, type SelfIdentity } from './self-detect.js';
import type { ResolvedService } from './service.js';
import { assertStagingPassed, readStagingVerdict } from './staging-gate.js';
import { latestVerdictPath } from './verdict-store.js';

export interface PromoteData {
  service: string;
  environment: string;
  staging_environment: string;
  runtime: 'docker' | 'swarm';
  hook_mode: boolean;
  source_image_id: string | null;
  previous_image_id: string | null;
  retagged: string[];
  switch: { ok: boolean; detail: string; auto_rolled_back: boolean } | null;
  health: HealthOutcome | null;
  rollback: (HealthOutcome & { rolled_back: boolean }) | null;
  verdict: string | null;
  /** HEALTH_FAILED after the switch (a failure that is not a thrown step error). */
  error: SerializedError | null;
}

export interface PromoteDeps {
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
  now?: () => Date;
}

/** Facts found by the read-only dry-run probe, shown by describe(). */
export interface PromoteFacts {
  refusal?: string;
}

type Ctx = StepContext<PromoteData>;
export const PROMOTE_STEPS = [
  'VERIFY_STAGING',
  'RECORD_PREVIOUS',
  'RETAG',
  'SWITCH',
  'HEALTH',
  'ROLLBACK',
  'VERDICT',
] as const;

/** Not ferry's own container; SOURCE_IMAGE resolved; staging SUCCESS for exactly it; present on this host. */
export async function verifyStaging(
  d: PromoteDeps,
  data: PromoteData,
  opts: { onRefusal?: (e: unknown) => void } = {},
): Promise<string> {
  const ident = await d.targetIdentity();
  if (ident) assertNotSelf(d.self, ident, d.target.service);
  const source = data.source_image_id ?? (await d.sourceImageId());
  if (!source) {
    throw new FerryError(
      ErrorCode.NOT_FOUND,
      `no source image: staging ${d.staging.spec.container} is not running and no --image was given`,
      {
        fix: `ferry promote ${d.target.service} --env ${d.target.environment} --image <sha256:…>`,
      },
    );
  }
  data.source_image_id = source;
  // A missing image first: comparing an unresolved --image ref with the verdict's image id would
  // report a misleading STAGING_STALE.
  if (!(await d.imageExists(source))) {
    throw new FerryError(
      ErrorCode.NOT_FOUND,
      `image ${source} is not on this host (ferry never rebuilds for production)`,
      { fix: `docker image inspect ${source}` },
    );
  }
  const verdict = await readStagingVerdict(d.staging);
  try {
    assertStagingPassed(verdict, source, d.staging.service, d.staging.environment);
  } catch (e) {
    if (!opts.onRefusal) throw e;
    opts.onRefusal(e);
  }
  return source;
}

export async function recordPrevious(d: PromoteDeps, data: PromoteData): Promise<string> {
  const prev = data.previous_image_id ?? (await d.backend.currentImageId());
  if (!prev) {
    throw new FerryError(
      ErrorCode.NOT_FOUND,
      `production ${d.target.spec.container} not found: create it once so ferry can promote into it`,
      {
        fix:
          d.target.spec.runtime === 'swarm'
            ? 'docker service ls'
            : `docker ps -a --filter name=${d.target.spec.container}`,
      },
    );
  }
  data.previous_image_id = prev;
  return prev;
}

function sourceOf(data: PromoteData): string {
  if (!data.source_image_id)
    throw new FerryError(ErrorCode.STATE_CORRUPT, 'no source_image_id in the run state: VERIFY_STAGING must run first');
  return data.source_image_id;
}

export function buildPromoteSteps(
  d: PromoteDeps,
  runId: string,
  facts: PromoteFacts = {},
): (data: PromoteData) => Step<PromoteData>[] {
  const { target, staging, backend } = d;
  const intents = (data: PromoteData) =>
    backend.describe(data.source_image_id ?? '<source image id>', data.previous_image_id);
  return () => [
    {
      id: 'VERIFY_STAGING',
      title: 'staging verdict SUCCESS for this image id',
      describe: ({ data }) => [
        note(`refuse if ${target.spec.container} is the container ferry runs in`),
        note(
          `read ${latestVerdictPath(staging.verdictDir, staging.service, 'staging')}: require staging_status SUCCESS for ${data.source_image_id ?? '<staging image id>'}`,
        ),
        ...(facts.refusal ? [note(`would REFUSE: ${facts.refusal}`)] : []),
      ],
      async run(ctx: Ctx) {
        const source = await verifyStaging(d, ctx.data);
        return { output: { source_image_id: source } };
      },
    },
    {
      id: 'RECORD_PREVIOUS',
      title: 'record the image production runs now (for rollback)',
      describe: ({ data }) => [
        note(
          `record the image id ${target.spec.container} runs now${data.previous_image_id ? ` (${data.previous_image_id})` : ''} in the run state`,
        ),
      ],
      async run(ctx: Ctx) {
        return { output: { previous_image_id: await recordPrevious(d, ctx.data) } };
      },
    },
    {
      id: 'RETAG',
      title: `retag the staged image as ${target.spec.image} (build once)`,
      describe: ({ data }) => intents(data).retag.map(exec),
      async run(ctx: Ctx) {
        const source = sourceOf(ctx.data);
        try {
          ctx.data.retagged = await backend.retag(source);
        } catch (e) {
          // Production still runs the previous container: put the tag back so nothing changed (exit 1).
          if (ctx.data.previous_image_id) await backend.retag(ctx.data.previous_image_id).catch(() => undefined);
          throw new FerryError(
            ErrorCode.DEPLOY_FAILED,
            `retag ${source} → ${target.spec.image} failed: ${e instanceof Error ? e.message : String(e)}`,
            {
              fix: `ferry promote ${target.service} --env ${target.environment} --resume ${runId}`,
              cause: e,
            },
          );
        }
        return { output: { tags: ctx.data.retagged } };
      },
    },
    {
      id: 'SWITCH',
      title: `switch ${target.spec.container} to the staged image (no build)`,
      describe: ({ data }) => intents(data).switch.map(exec),
      async check(ctx: Ctx) {
        const source = sourceOf(ctx.data);
        if (!(await backend.runs(source))) return undefined;
        ctx.data.switch = {
          ok: true,
          detail: `${target.spec.container} already runs ${source}`,
          auto_rolled_back: false,
        };
        return { detail: 'already_on_source', output: { detail: ctx.data.switch.detail } };
      },
      async run(ctx: Ctx) {
        const source = sourceOf(ctx.data);
        ctx.log.info(`promoting ${source} → ${target.spec.image} (${backend.kind})`);
        const sw = await backend.switchTo(source);
        ctx.data.switch = { ok: sw.ok, detail: sw.detail, auto_rolled_back: sw.autoRolledBack };
        return { detail: sw.ok ? 'switched' : 'switch_failed', output: { detail: sw.detail } };
      },
    },
    {
      id: 'HEALTH',
      title: 'health loop with a deadline',
      describe: ({ data }) => intents(data).health.map(note),
      async run(ctx: Ctx) {
        const source = sourceOf(ctx.data);
        const sw = ctx.data.switch;
        const h: HealthOutcome = sw && !sw.ok ? { healthy: false, detail: sw.detail } : await backend.health(source);
        ctx.data.health = h;
        if (!h.healthy)
          ctx.log.warn(`unhealthy after the switch (${h.detail}); rolling back to ${ctx.data.previous_image_id}`);
        return { detail: h.healthy ? 'healthy' : 'unhealthy', output: { detail: h.detail } };
      },
    },
    {
      id: 'ROLLBACK',
      title: 'roll back to the previous image id (only when unhealthy)',
      describe: ({ data }) => intents(data).rollback.map(note),
      async run(ctx: Ctx) {
        const data = ctx.data;
        if (data.health?.healthy) return { status: 'skipped', detail: 'not_needed' };
        const source = sourceOf(data);
        const previous = data.previous_image_id;
        const rb: HealthOutcome =
          !previous || previous === source
            ? { healthy: false, detail: 'no different previous image to roll back to' }
            : await backend.rollback(previous, { autoRolledBack: Boolean(data.switch?.auto_rolled_back) });
        data.rollback = { ...rb, rolled_back: Boolean(previous && previous !== source) };
        const err = new FerryError(
          ErrorCode.HEALTH_FAILED,
          `${target.service} unhealthy after the switch; ${rb.healthy ? 'rolled back to the previous image (healthy)' : 'ROLLBACK UNHEALTHY'}`,
          {
            fix: healthFailedFix(d, rb.healthy),
            details: { source_image_id: source, previous_image_id: previous, detail: promoteDetail(data) },
          },
        );
        data.error = serializeError(err);
        ctx.log.warn(`${err.code}: ${err.message}`);
        return { detail: rb.healthy ? 'rolled_back_healthy' : 'rollback_unhealthy', output: { detail: rb.detail } };
      },
    },
    {
      id: 'VERDICT',
      title: 'write the deploy verdict',
      describe: ({ data }) => [
        data.hook_mode
          ? note(
              `no verdict: hook mode, ferry finalize writes ${latestVerdictPath(target.verdictDir, target.service, 'deploy')}`,
            )
          : edit(
              `write ${latestVerdictPath(target.verdictDir, target.service, 'deploy')} (deploy_status SUCCESS|FAILED)`,
            ),
      ],
      async check(ctx: Ctx) {
        if (ctx.data.hook_mode) return undefined;
        const healthy = ctx.data.health?.healthy === true;
        const path = await deployVerdictWritten(target, runId, healthy ? 'SUCCESS' : 'FAILED', healthy ? 0 : 2);
        if (!path) return undefined;
        ctx.data.verdict = path;
        return { detail: 'already_written', output: { verdict: path } };
      },
      async run(ctx: Ctx) {
        if (ctx.data.hook_mode) return { status: 'skipped', detail: 'hook_mode_finalize_writes' };
        const healthy = ctx.data.health?.healthy === true;
        const paths = await writePromoteVerdict(d, runId, ctx.data, healthy ? 0 : 2, ctx.data.error);
        ctx.data.verdict = paths.latest;
        return { output: { verdict: paths.latest } };
      },
    },
  ];
}

/**
 * What to do after an unhealthy switch. Rolled back healthy: production is fine and the image is bad,
 * so fix it, put it on staging and stage it again (re-promoting the previous image would only be refused).
 * Rollback unhealthy: production needs a look now.
 */
export function healthFailedFix(d: Pick<PromoteDeps, 'target' | 'staging'>, rollbackHealthy: boolean): string {
  const { target, staging } = d;
  if (!rollbackHealthy) {
    return target.spec.runtime === 'swarm'
      ? `docker service ps ${target.spec.container} --no-trunc`
      : `docker logs --tail 50 ${target.spec.container}`;
  }
  return `run a fixed image in ${staging.spec.container}, then: ferry stage ${staging.service} --env ${staging.environment} && ferry promote ${target.service} --env ${target.environment}`;
}

/** The seed's detail line: switch/health detail, plus the rollback's. */
export function promoteDetail(data: PromoteData): string {
  const main = data.health?.detail ?? data.switch?.detail ?? '';
  return data.rollback ? `${main}; rollback: ${data.rollback.detail}` : main;
}

export function writePromoteVerdict(
  d: PromoteDeps,
  runId: string,
  data: PromoteData,
  exitCode: 0 | 1 | 2,
  error: unknown,
): Promise<{ latest: string; history: string }> {
  return writeDeployVerdict(d.target, {
    status: exitCode === 0 ? 'SUCCESS' : 'FAILED',
    runId,
    imageId: data.source_image_id ?? 'unknown',
    previousImageId: data.previous_image_id,
    exitCode,
    rolledBack: Boolean(data.rollback?.rolled_back),
    detail: promoteDetail(data) || ((error as { message?: string } | null)?.message ?? ''),
    now: d.now,
    error,
  });
}
