// The deploy run as engine steps: one step per planned action (shown before it runs), then the
// last-deploy state update, then verification. The plan itself is persisted in the run data.
import type { ContainerRuntime } from '../adapters/runtime/types.js';
import { ErrorCode, FerryError } from '../errors.js';
import type { Step, StepContext } from '../engine/types.js';
import { quoteArg, tail } from '../util/process.js';
import type { HttpCheck, ServiceRef } from './analyse-system.js';
import { readBuildBlock } from './build-output.js';
import { afterBuild, afterDeploy, humanSize, writeLastDeploy } from './last-deploy.js';
import { rerunCommand, type DeployPlan, type PlannedStep } from './plan.js';
import type { Decision, LastDeployState } from './types.js';
import { verifyDeployment, type Verification } from './verify.js';

export interface ActionTaken {
  title: string;
  text: string;
  durationMs: number;
  /** Image id a build produced or containers now run. */
  imageId?: string;
}

export interface BuiltImage {
  image_tag: string | null;
  image_id: string | null;
  build_timestamp: string;
  image_size?: string | null;
  /** Bytes, from the engine (built-in builds). */
  image_size_bytes?: number | null;
  /** Wall time of the build (the built-in build, or the command that reported the image). */
  build_duration_ms?: number | null;
  /** True when ferry built it (the new id is then required in every service). */
  builtin: boolean;
}

/** Persisted run data (state file `data`). */
export interface DeployData {
  skill: 'deploy';
  root: string;
  state_file: string;
  head: string | null;
  decision: Decision;
  plan: DeployPlan;
  /** Where every config repo's ref is now (baked into a rebuild). */
  config_commits: Record<string, string>;
  file_hashes: Record<string, string>;
  last_deploy_before: LastDeployState | null;
  last_deploy: LastDeployState | null;
  built: BuiltImage | null;
  /**
   * Config repo commits the build baked in. Recorded in the last-deploy state by the STATE step,
   * once every action succeeded: an image that never reached the services has deployed no config,
   * so a re-run after a failed deploy step still sees the config change and rebuilds.
   */
  baked_config_commits?: Record<string, string> | null;
  actions_taken: ActionTaken[];
  verification: Verification | null;
}

/** What steps need that is not data: adapters and settings. */
export interface DeployEnv {
  runtime: ContainerRuntime | null;
  services: ServiceRef[];
  checks: HttpCheck[];
  contextDir: string | null;
  dockerfile: string | null;
  verify: { retries: number; intervalMs: number; timeoutMs: number };
  now: () => Date;
}

function needRuntime(env: DeployEnv): ContainerRuntime {
  if (!env.runtime)
    throw new FerryError(ErrorCode.CONFIG_INVALID, 'a built-in action needs deploy.runtime in ferry.yaml', {
      fix: 'add deploy.runtime (kind: docker, image, services)',
    });
  return env.runtime;
}

async function recordBuild(
  ctx: StepContext<DeployData>,
  built: BuiltImage,
  commits: Record<string, string>,
): Promise<void> {
  const d = ctx.data;
  d.built = built;
  d.baked_config_commits = { ...commits };
  // Seed rule 1: after a successful build, capture the image fields at once (what the tag now
  // is); the config commits it contains count as deployed only after the deploy (STATE step).
  d.last_deploy = afterBuild(
    d.last_deploy,
    {
      imageTag: built.image_tag,
      imageDigest: built.image_id,
      buildTimestamp: built.build_timestamp,
      configCommits: {},
      imageSize: built.image_size ?? null,
      imageSizeBytes: built.image_size_bytes ?? null,
      buildDurationMs: built.build_duration_ms ?? null,
    },
    built.build_timestamp,
  );
  await writeLastDeploy(d.state_file, d.last_deploy);
  ctx.log.info(`recorded build ${built.image_id ?? '(no digest reported)'} in ${d.state_file}`);
}

async function runBuiltin(
  ctx: StepContext<DeployData>,
  env: DeployEnv,
  s: Extract<PlannedStep, { kind: 'builtin' }>,
): Promise<string | undefined> {
  const rt = needRuntime(env);
  const d = ctx.data;
  if (s.op === 'build') {
    const labels: Record<string, string> = { 'ferry.code_commit': d.head ?? 'none' };
    for (const [name, sha] of Object.entries(d.config_commits)) labels[`ferry.config.${name}`] = sha;
    const started = Date.now();
    const info = await rt.build({
      contextDir: env.contextDir ?? d.root,
      dockerfile: env.dockerfile ?? 'Dockerfile',
      tags: [s.image!],
      labels,
      onLog: (l) => ctx.log.debug(l.trimEnd()),
    });
    const durationMs = Date.now() - started;
    await recordBuild(
      ctx,
      {
        image_tag: s.image,
        image_id: info.id,
        build_timestamp: env.now().toISOString(),
        ...(info.size !== undefined ? { image_size: humanSize(info.size), image_size_bytes: info.size } : {}),
        build_duration_ms: durationMs,
        builtin: true,
      },
      d.config_commits,
    );
    ctx.log.info(
      `built ${s.image} ${info.id} in ${(durationMs / 1000).toFixed(1)} s${info.size !== undefined ? `, ${humanSize(info.size)}` : ''}`,
    );
    return info.id;
  }
  let imageId: string | undefined;
  for (const c of s.containers) {
    if (s.op === 'recreate') {
      const r = await rt.recreate(c, s.image!, { labels: { 'ferry.deploy': ctx.runId } });
      imageId = r.container.imageId;
      ctx.log.info(`${c}: ${r.changed ? 'recreated' : 'already on'} ${r.container.imageId}`);
    } else if (s.op === 'restart') await rt.restart(c);
    else await rt.start(c);
  }
  return imageId;
}

function actionStep(env: DeployEnv, s: PlannedStep, i: number): Step<DeployData> {
  return {
    id: `ACTION-${i + 1}`,
    title: s.title,
    group: 'execute',
    describe: () => [{ kind: s.kind === 'command' ? 'exec' : 'api', text: s.text }],
    async run(ctx) {
      const started = Date.now();
      const d = ctx.data;
      ctx.log.info(`$ ${s.text}`);
      let imageId: string | undefined;
      if (s.kind === 'command') {
        const rerun = rerunCommand(d.plan);
        const r = await ctx
          .exec(s.argv[0]!, s.argv.slice(1), {
            cwd: d.root,
            failCode: ErrorCode.DEPLOY_FAILED,
            fix: `cd ${quoteArg(d.root)} && ${s.text}   # fix the failure, then: ${rerun}`,
          })
          .catch((e: unknown) => {
            // The program is not installed: say so, instead of "exited -1 … spawn just ENOENT".
            if (e instanceof FerryError && (e.details as { notFound?: boolean } | undefined)?.notFound) {
              throw new FerryError(
                ErrorCode.DEPLOY_FAILED,
                `${s.argv[0]!}: command not found (not on PATH, or not in ${d.root}); ${s.text} could not start`,
                {
                  fix: `install ${s.argv[0]!} (check: command -v ${quoteArg(s.argv[0]!)}), or change the command in deploy.actions of ferry.yaml; then: ${rerun}`,
                  cause: e,
                },
              );
            }
            throw e;
          });
        if (r.all) ctx.log.debug(tail(r.all, 30));
        const block = d.plan.builds ? readBuildBlock(r.stdout, Object.keys(d.config_commits)) : null;
        if (block) {
          const built: BuiltImage = {
            image_tag: block.imageTag,
            image_id: block.imageDigest,
            build_timestamp: block.buildTimestamp ?? env.now().toISOString(),
            image_size: block.imageSize,
            build_duration_ms: Date.now() - started,
            builtin: false,
          };
          await recordBuild(ctx, built, { ...d.config_commits, ...block.configCommits });
          imageId = block.imageDigest ?? undefined;
        }
      } else {
        imageId = await runBuiltin(ctx, env, s);
      }
      const taken: ActionTaken = {
        title: s.title,
        text: s.text,
        durationMs: Date.now() - started,
        ...(imageId ? { imageId } : {}),
      };
      d.actions_taken.push(taken);
      return { output: { ...taken } };
    },
  };
}

function stateStep(env: DeployEnv): Step<DeployData> {
  return {
    id: 'STATE',
    title: 'Update last-deploy state',
    group: 'state',
    describe: (ctx) => [
      {
        kind: 'edit',
        text: `write ${ctx.data.state_file} (code commit ${ctx.data.head?.slice(0, 7) ?? 'none'}, timestamp)`,
      },
    ],
    async run(ctx) {
      const d = ctx.data;
      const now = env.now().toISOString();
      // A rebuild by commands that printed no DEPLOYMENT STATE block still baked the configs we saw.
      if (d.plan.builds && !d.built) {
        await recordBuild(
          ctx,
          { image_tag: null, image_id: null, build_timestamp: now, builtin: false },
          d.config_commits,
        );
      }
      // Seed rules 2 and 3: after a successful deployment record the code commit (and the config
      // commits the new image carries); timestamp every time.
      const deployed = afterDeploy(d.last_deploy, { codeCommit: d.head, fileHashes: d.file_hashes }, now);
      d.last_deploy = d.baked_config_commits
        ? { ...deployed, config_commits: { ...deployed.config_commits, ...d.baked_config_commits } }
        : deployed;
      await writeLastDeploy(d.state_file, d.last_deploy);
      return { output: { state_file: d.state_file, code_commit: d.head } };
    },
  };
}

function verifyStep(env: DeployEnv): Step<DeployData> {
  return {
    id: 'VERIFY',
    title: 'Verify image digests and health',
    group: 'verify',
    describe: (ctx) => [
      ...(ctx.data.plan.builds && env.runtime
        ? [
            {
              kind: 'note' as const,
              text: `check ${env.services.map((s) => s.container).join(', ')} run the new image id`,
            },
          ]
        : []),
      ...env.checks.map((c) => ({ kind: 'api' as const, text: `GET ${c.url} (${c.name}), expect 2xx` })),
    ],
    async run(ctx) {
      const d = ctx.data;
      const builtId = d.built?.builtin ? d.built.image_id : null;
      const { verification, error } = await verifyDeployment({
        runtime: env.runtime,
        services: env.services,
        checks: env.checks,
        builtId,
        last: d.last_deploy,
        ...env.verify,
      });
      d.verification = verification;
      for (const w of verification.digestWarnings) ctx.log.warn(`${w.message}\n  fix: ${w.fix}`);
      if (error) throw error;
      return { output: { ok: true, checks: verification.checks.length, containers: verification.containers.length } };
    },
  };
}

/** Steps for the plan in `data` (rebuilt the same way on every call, so the order is stable). */
export function buildDeploySteps(env: DeployEnv): (data: DeployData) => Step<DeployData>[] {
  return (data) => {
    const steps = data.plan.steps.map((s, i) => actionStep(env, s, i));
    if (data.plan.deploys || data.plan.builds) steps.push(stateStep(env));
    if (data.plan.action !== 'status') steps.push(verifyStep(env));
    return steps;
  };
}
