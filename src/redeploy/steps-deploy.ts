// Phases 5–6: DEPLOY (docker: build from the worktree + recreate each service; command: the
// user's script) and INFISICAL/SECRETS (built-in Universal Auth sync, or the configured script).

import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ErrorCode, FerryError } from '../errors.js';
import { acquireResourceLock, type RunLock } from '../engine/lock.js';
import type { ContainerRuntime } from '../adapters/runtime/types.js';
import type { Step, StepContext, StepOutcome } from '../engine/types.js';
import { formatSyncLine, syncSecrets } from '../adapters/secrets/types.js';
import { imageTag, secretsMode, serviceContainers } from './plan.js';
import type { RedeployData, RedeployDeps, RedeployEnvContext } from './types.js';

type Ctx = StepContext<RedeployData>;

interface DeployCheckpoint {
  image_id?: string;
  services?: RedeployData['services'];
}

export function deployStep(
  env: RedeployEnvContext,
  deps: RedeployDeps,
  describe: Step<RedeployData>['describe'],
): Step<RedeployData> {
  return {
    id: 'DEPLOY',
    title: 'DEPLOY: rebuild and recreate',
    describe,
    async run(ctx: Ctx) {
      if (ctx.data.flags.verify_only) return { status: 'skipped', detail: 'skipped_by_flag' };
      const wt = ctx.data.worktree_path;
      if (!wt) throw new FerryError(ErrorCode.STEP_FAILED, 'no worktree path recorded; WORKTREE must run first');
      const rt = env.config.runtime;
      if (rt.kind === 'command') {
        const r = await ctx.exec(rt.command[0] as string, rt.command.slice(1), {
          cwd: wt,
          env: env.env,
          failCode: ErrorCode.DEPLOY_FAILED,
          signal: ctx.signal,
        });
        for (const l of r.all.split('\n')) if (l.trim()) ctx.log.info(l);
        return { output: { command: rt.command.join(' ') } };
      }
      const built = resolve(wt, rt.context, rt.dockerfile);
      const pinned = resolve(wt, env.config.dockerfile);
      if (!ctx.data.flags.skip_dockerfile_update && !env.config.pin_command && built !== pinned) {
        ctx.log.warn(
          `DEPLOY builds ${built} but PIN_UPDATE edited ${pinned} (redeploy.dockerfile); the new pins may not reach the image`,
        );
      }
      if (!existsSync(built)) {
        throw new FerryError(
          ErrorCode.DEPLOY_FAILED,
          `Dockerfile ${rt.dockerfile} not found in the build context ${join(wt, rt.context)}`,
          {
            fix: 'set redeploy.runtime.dockerfile (relative to runtime.context) in ferry.yaml',
            details: { dockerfile: built },
          },
        );
      }
      const runtime = deps.runtime();
      await runtime.ping();
      // Another run recreating the same containers at the same time would race on the temp names.
      const locks = await lockContainers(
        env,
        serviceContainers(env.config).map((s) => s.container),
        ctx.runId,
      );
      try {
        return await buildAndRecreate(ctx, env, runtime, wt);
      } finally {
        for (const l of locks) await l.release();
      }
    },
  };
}

async function lockContainers(env: RedeployEnvContext, names: string[], runId: string): Promise<RunLock[]> {
  const held: RunLock[] = [];
  try {
    for (const name of [...new Set(names)].sort()) {
      held.push(
        await acquireResourceLock(
          env.stateDir,
          'containers',
          name,
          `redeploy ${runId} DEPLOY`,
          `container ${name} is being recreated`,
        ),
      );
    }
    return held;
  } catch (e) {
    for (const l of held) await l.release();
    throw e;
  }
}

/** Build the image from the worktree (reused on resume), then recreate each service from it, checkpointing each. */
async function buildAndRecreate(
  ctx: Ctx,
  env: RedeployEnvContext,
  runtime: ContainerRuntime,
  wt: string,
): Promise<StepOutcome> {
  const rt = env.config.runtime;
  if (rt.kind !== 'docker') throw new FerryError(ErrorCode.INTERNAL, 'buildAndRecreate needs the docker runtime');
  const cp: DeployCheckpoint = { ...((ctx.checkpoint as DeployCheckpoint | undefined) ?? {}) };
  const tag = imageTag(env.config, ctx.runId) as string;
  // Resume: an image built by an earlier attempt of this run is reused if it still exists.
  let imageId = cp.image_id && (await runtime.inspectImage(tag))?.id === cp.image_id ? cp.image_id : undefined;
  if (!imageId) {
    const img = await runtime.build({
      contextDir: join(wt, rt.context),
      dockerfile: rt.dockerfile,
      tags: [tag, rt.image],
      labels: { 'ferry.run_id': ctx.runId, 'ferry.pipeline': 'redeploy' },
      onLog: (l) => ctx.log.info(`[build] ${l}`),
    });
    imageId = img.id;
    cp.image_id = imageId;
    await ctx.saveCheckpoint(cp);
  }
  ctx.data.image_id = imageId;
  const services: NonNullable<RedeployData['services']> = { ...(cp.services ?? {}) };
  // The images the services ran before: rollback needs them, so pruning never removes them.
  const previous = new Set<string>();
  const before = await Promise.all(serviceContainers(env.config).map((s) => runtime.inspectContainer(s.container)));
  for (const c of before) if (c) previous.add(c.imageId);
  for (const { service, container } of serviceContainers(env.config)) {
    ctx.signal.throwIfAborted();
    ctx.log.info(`DEPLOY: recreating ${container} from ${tag}`);
    const r = await runtime.recreate(container, tag, { labels: { 'ferry.run_id': ctx.runId } });
    services[service] = { container, container_id: r.container.id, image_id: r.container.imageId };
    cp.services = services;
    await ctx.saveCheckpoint(cp);
    ctx.log.info(
      `DEPLOY: ${container} ${r.changed ? 'recreated' : 'already on the new image'} (${r.container.id.slice(0, 12)})`,
    );
  }
  ctx.data.services = services;
  const running = new Set(Object.values(services).map((s) => s.image_id));
  const pruned = await pruneRunTags(ctx, runtime, tag, env.config.keep_images, new Set([...running, ...previous]));
  if (pruned.length) ctx.data.pruned_images = pruned;
  return { output: { image_id: imageId, image: tag, services, ...(pruned.length ? { pruned_images: pruned } : {}) } };
}

/**
 * Redeploy tags every build `<image>:<run_id>`; keep the newest `keep` of them, and always the images
 * the services run now or ran before this deploy (a rollback recreates from those).
 */
async function pruneRunTags(
  ctx: Ctx,
  runtime: ContainerRuntime,
  tag: string,
  keep: number,
  protectedIds: Set<string>,
): Promise<string[]> {
  if (!runtime.listTags || !runtime.removeTag) return [];
  const repo = tag.slice(0, tag.lastIndexOf(':'));
  const runTags = (await runtime.listTags(repo)).filter((t) => /:redeploy-\d{8}-[0-9a-f]{6}$/.test(t.ref));
  const removed: string[] = [];
  for (const t of runTags.slice(keep)) {
    if (protectedIds.has(t.id) || t.ref === tag) continue;
    try {
      await runtime.removeTag(t.ref);
      removed.push(t.ref);
    } catch (e) {
      ctx.log.warn(`could not remove old image tag ${t.ref}: ${(e as Error).message}`);
    }
  }
  if (removed.length)
    ctx.log.info(`DEPLOY: removed ${removed.length} old image tag(s) (keep_images ${keep}): ${removed.join(', ')}`);
  return removed;
}

export function secretsStep(
  env: RedeployEnvContext,
  deps: RedeployDeps,
  describe: Step<RedeployData>['describe'],
): Step<RedeployData> {
  return {
    id: 'INFISICAL',
    title: 'INFISICAL: seed secrets',
    describe,
    async run(ctx: Ctx) {
      if (ctx.data.flags.verify_only) return { status: 'skipped', detail: 'skipped_by_flag' };
      const mode = secretsMode(env.config, env.env, ctx.data.flags);
      if (mode !== 'active') return { status: 'skipped', detail: mode };
      const s = env.config.secrets!;
      const wt = ctx.data.worktree_path ?? env.workspaceDir;
      // Seed: the repo's sync script, when present in the worktree, is preferred over the built-in sync.
      // The script is the first argv element that is a path (`bash scripts/x.sh` or `./scripts/x.sh`).
      const script = s.command?.find((a) => a.includes('/'));
      if (s.command && script && existsSync(isAbsolute(script) ? script : join(wt, script))) {
        const r = await ctx.exec(s.command[0] as string, s.command.slice(1), {
          cwd: wt,
          env: env.env,
          failCode: ErrorCode.SECRETS_FAILED,
          signal: ctx.signal,
        });
        for (const l of r.all.split('\n')) if (l.trim()) ctx.log.info(l);
        return { output: { command: s.command.join(' ') } };
      }
      if (!s.project_id) {
        throw new FerryError(
          ErrorCode.CONFIG_INVALID,
          'redeploy.secrets.project_id is required for the built-in Infisical sync',
          { fix: 'add `project_id: <infisical project id>` under redeploy.secrets in ferry.yaml' },
        );
      }
      if (!deps.secrets) throw new FerryError(ErrorCode.INTERNAL, 'no secrets store factory wired');
      const values: Record<string, string> = {};
      for (const [key, envName] of Object.entries(s.keys)) {
        const v = env.env[envName];
        if (v === undefined)
          throw new FerryError(ErrorCode.ENV_MISSING, `${envName} (value for secret ${key}) not set`, {
            fix: `export ${envName}=…`,
            details: { missing: envName },
          });
        values[key] = v;
      }
      const store = deps.secrets({
        addr: env.env[s.addr_env]!,
        clientId: env.env[s.client_id_env]!,
        clientSecret: env.env[s.client_secret_env]!,
        envNames: { clientId: s.client_id_env, clientSecret: s.client_secret_env },
      });
      const scope = { projectId: s.project_id, environment: s.environment, path: s.secret_path };
      ctx.log.info('Seeding Infisical from config keys...');
      const lines = await syncSecrets(store, values, scope);
      for (const l of lines) ctx.log.info(formatSyncLine(scope, l));
      ctx.log.info('infisical sync: complete');
      return { output: { secrets: Object.fromEntries(lines.map((l) => [l.key, l.outcome])) } };
    },
  };
}
