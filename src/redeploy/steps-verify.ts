// Phases 7–8: VERIFY (health URLs, in-container versions, services on the DEPLOY image) and NOTIFY.

import { ErrorCode, FerryError, isFerryError } from '../errors.js';
import type { Step, StepContext } from '../engine/types.js';
import { checkHealth } from '../adapters/runtime/health.js';
import {
  checkedVersions,
  healthEndpoints,
  notifyLines,
  parseVersionOutput,
  serviceContainers,
  versionArgv,
  versionContainer,
  versionMismatches,
} from './plan.js';
import type { RedeployData, RedeployDeps, RedeployEnvContext } from './types.js';

type Ctx = StepContext<RedeployData>;

export interface VerifyTiming {
  /** First backoff between health retries (tests shorten it). */
  backoffMs?: number;
}

export function verifyStep(
  env: RedeployEnvContext,
  deps: RedeployDeps,
  describe: Step<RedeployData>['describe'],
  timing: VerifyTiming = {},
): Step<RedeployData> {
  return {
    id: 'VERIFY',
    title: 'VERIFY: health and versions',
    describe,
    async run(ctx: Ctx) {
      const v = env.config.verify;
      // 1. Health endpoints.
      const health = await checkHealth(healthEndpoints(env.config), {
        retries: v.retries,
        timeoutMs: v.timeout_seconds * 1000,
        backoffMs: timing.backoffMs ?? 500,
        signal: ctx.signal,
      });
      for (const h of health)
        ctx.log.info(`VERIFY: ${h.name} ${h.url} -> ${h.ok ? `${h.status} OK` : `FAILED (${h.status ?? h.error})`}`);
      const failedHealth = health.filter((h) => !h.ok).map((h) => h.name);
      if (failedHealth.length) {
        throw new FerryError(
          ErrorCode.HEALTH_FAILED,
          `VERIFY FAILED: Health checks failed for: ${failedHealth.join(', ')}`,
          { details: { failed_health: failedHealth } },
        );
      }
      // 2. In-container package versions.
      const container = versionContainer(env.config);
      const actual: Record<string, string | null> = {};
      const requested = checkedVersions(ctx.data);
      for (const pkg of Object.keys(ctx.data.versions_requested)) {
        if (!(pkg in requested))
          ctx.log.info(`VERIFY: ${pkg} not pinned in the Dockerfile (--allow-unmatched) -> not checked`);
      }
      if (container && Object.keys(requested).length) {
        const runtime = deps.runtime();
        for (const [pkg, expected] of Object.entries(requested)) {
          const argv = versionArgv(v, pkg);
          let got: string | null = null;
          try {
            const r = await runtime.exec(container, argv, { timeoutMs: v.timeout_seconds * 1000 * 4 });
            got = r.exitCode === 0 ? parseVersionOutput(r.stdout, pkg, v.preset) : null;
          } catch (e) {
            if (!isFerryError(e) || e.code === ErrorCode.RUNTIME_UNAVAILABLE) throw e;
          }
          actual[pkg] = got;
          ctx.log.info(
            `VERIFY: ${pkg} Version: ${got ?? '?'} (expected ${expected}) -> ${got === expected ? 'OK' : 'MISMATCH'}`,
          );
        }
      }
      const mismatches = container ? versionMismatches(requested, actual) : [];
      if (mismatches.length) {
        throw new FerryError(
          ErrorCode.VERSION_MISMATCH,
          `VERIFY FAILED: Version mismatches: ${mismatches.join('; ')}`,
          { details: { failed_versions: mismatches } },
        );
      }
      // 3. Every service runs the image DEPLOY built (catches a restart-only or half-finished deploy).
      const wrong: string[] = [];
      const built = ctx.data.image_id;
      if (built && env.config.runtime.kind === 'docker') {
        const runtime = deps.runtime();
        for (const { service, container: name } of serviceContainers(env.config)) {
          const c = await runtime.inspectContainer(name);
          if (!c || c.imageId !== built || !c.running)
            wrong.push(
              `${service}: ${!c ? 'no container' : !c.running ? 'not running' : `runs ${c.imageId.slice(7, 19)}, expected ${built.slice(7, 19)}`}`,
            );
        }
      }
      if (wrong.length) {
        throw new FerryError(
          ErrorCode.DIGEST_MISMATCH,
          `VERIFY FAILED: services not on the image built in DEPLOY: ${wrong.join('; ')}`,
          { details: { failed_images: wrong } },
        );
      }
      return { output: { health: Object.fromEntries(health.map((h) => [h.name, h.status])), versions: actual } };
    },
  };
}

export function notifyStep(
  env: RedeployEnvContext,
  deps: RedeployDeps,
  describe: Step<RedeployData>['describe'],
): Step<RedeployData> {
  return {
    id: 'NOTIFY',
    title: 'NOTIFY: summary',
    describe,
    async run(ctx: Ctx) {
      if (ctx.data.flags.verify_only) return { status: 'skipped', detail: 'skipped_by_flag' };
      const lines = notifyLines(ctx.data);
      if (env.config.notify === 'slack') {
        try {
          if (!deps.notifier)
            throw new FerryError(ErrorCode.NOTIFY_FAILED, 'no Slack notifier configured (notify.slack in ferry.yaml)');
          const notifier = await deps.notifier(env.env);
          const r = await notifier.send({
            runId: ctx.runId,
            title: lines[0] as string,
            text: lines
              .slice(1)
              .map((l) => l.trim())
              .join('\n'),
            level: 'info',
          });
          return { output: { channel: notifier.channel, ref: r.ref ?? null } };
        } catch (e) {
          // A notice never fails the run: report it and fall back to stdout.
          ctx.log.warn(`NOTIFY: slack failed (${(e as Error).message}); printing instead`);
        }
      }
      for (const l of lines) deps.print(l);
      return { output: { channel: 'stdout' } };
    },
  };
}
