// Phases 1–4: SYNC, ENV_CHECK, WORKTREE, PIN_UPDATE (thin halves; argv and text come from plan.ts).

import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ErrorCode, FerryError, isFerryError } from '../errors.js';
import { addSecret } from '../util/redact.js';
import type { Step, StepContext, StepOutcome } from '../engine/types.js';
import { applyPins } from './pins-apply.js';
import { discardHalfMade, halfMade } from './worktree-heal.js';
import {
  fill,
  repoDir,
  requiredVars,
  resumeCommand,
  syncArgv,
  syncRepos,
  worktreeAddArgv,
  worktreePath,
} from './plan.js';
import { formatVersions } from '../manifest/dockerfile-pins.js';
import type { PinApplied, RedeployData, RedeployEnvContext } from './types.js';

type Ctx = StepContext<RedeployData>;
const SKIP_FLAG: StepOutcome = { status: 'skipped', detail: 'skipped_by_flag' };

export function syncStep(env: RedeployEnvContext, describe: Step<RedeployData>['describe']): Step<RedeployData> {
  return {
    id: 'SYNC',
    title: 'SYNC: fast-forward repos',
    describe,
    async run(ctx: Ctx) {
      if (ctx.data.flags.verify_only || ctx.data.flags.skip_sync) return SKIP_FLAG;
      const cmd = env.config.sync.command;
      if (cmd) {
        await ctx.exec(cmd[0] as string, cmd.slice(1), {
          cwd: env.workspaceDir,
          env: env.env,
          failCode: ErrorCode.SYNC_FAILED,
        });
        return { output: { command: cmd.join(' ') } };
      }
      const repos: Record<string, string> = {};
      const failed: string[] = [];
      for (const repo of syncRepos(env)) {
        const dir = repoDir(env, repo);
        const argv = syncArgv(dir);
        const r = await ctx.exec(argv[0] as string, argv.slice(1), { reject: false, signal: ctx.signal });
        const out = `${r.stdout}\n${r.stderr}`;
        if (r.exitCode === 0) {
          repos[repo] = /Already up.to.date/i.test(out) ? 'up to date' : 'fast-forwarded';
        } else {
          repos[repo] = /not possible to fast-forward|diverg|non-fast-forward/i.test(out)
            ? 'diverged'
            : !existsSync(dir)
              ? 'missing'
              : 'failed';
          failed.push(`${repo} (${repos[repo]})`);
        }
        ctx.log.info(`SYNC: ${repo}: ${repos[repo]}`);
      }
      if (failed.length) {
        throw new FerryError(
          ErrorCode.SYNC_FAILED,
          `SYNC failed for ${failed.join(', ')}: fast-forward-only pull refused`,
          {
            fix: `git -C ${repoDir(env, failed[0]!.split(' ')[0]!)} status`,
            details: { failed_repos: failed, repos },
          },
        );
      }
      return { output: { repos } };
    },
  };
}

export function envCheckStep(env: RedeployEnvContext, describe: Step<RedeployData>['describe']): Step<RedeployData> {
  return {
    id: 'ENV_CHECK',
    title: 'ENV_CHECK: required variables',
    describe,
    async run(ctx: Ctx) {
      if (ctx.data.flags.verify_only) return SKIP_FLAG;
      const { vars, secrets } = requiredVars(env.config, env.env, ctx.data.flags);
      const source = !env.config.env_file
        ? ''
        : env.envFile && !env.envFile.exists
          ? ` The env file ${env.config.env_file} (${env.envFile.path}) does not exist.`
          : ` Source ${env.config.env_file} before deploying.`;
      for (const v of vars) {
        if (!env.env[v]) {
          throw new FerryError(ErrorCode.ENV_MISSING, `${v} not set.${source}`, {
            fix: env.config.env_file ? `echo '${v}=…' >> ${env.config.env_file}` : `export ${v}=…`,
            details: { missing: v },
          });
        }
        ctx.log.info(`ENV_CHECK: ${v} OK`);
      }
      for (const v of secrets) {
        if (!env.env[v]) {
          throw new FerryError(ErrorCode.ENV_MISSING, `${env.config.secrets?.addr_env} is set but ${v} is missing.`, {
            fix: `export ${v}=…`,
            details: { missing: v },
          });
        }
        addSecret(env.env[v]);
        ctx.log.info(`ENV_CHECK: ${v} OK`);
      }
      return { output: { checked: [...vars, ...secrets] } };
    },
  };
}

async function currentBranch(ctx: Ctx, dir: string): Promise<string | null> {
  const r = await ctx.exec('git', ['-C', dir, 'branch', '--show-current'], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim() : null;
}

export function worktreeStep(env: RedeployEnvContext, describe: Step<RedeployData>['describe']): Step<RedeployData> {
  return {
    id: 'WORKTREE',
    title: 'WORKTREE: create or reuse',
    describe,
    async run(ctx: Ctx) {
      if (ctx.data.flags.verify_only) return SKIP_FLAG;
      const path = worktreePath(env, ctx.data.worktree_ticket);
      const branch = ctx.data.worktree_ticket;
      const repo = repoDir(env, env.config.repo);
      const broken = existsSync(path) ? await halfMade(ctx, repo, path) : null;
      if (broken) {
        ctx.log.warn(`WORKTREE: ${path} is half-made (${broken}); removing it and creating it again`);
        await discardHalfMade(ctx, repo, path);
      }
      if (existsSync(path)) {
        const current = await currentBranch(ctx, path);
        if (current !== branch) {
          throw new FerryError(
            ErrorCode.WORKTREE_CONFLICT,
            `Worktree at ${path} is on branch '${current ?? '(not a worktree)'}', expected '${branch}'`,
            {
              fix: `git -C ${repo} worktree remove --force ${path}`,
              details: { path, branch: current },
            },
          );
        }
        ctx.log.info(`Reusing existing worktree at ${path}`);
        ctx.data.worktree_path = path;
        return { output: { path, reused: true } };
      }
      // Seed: pull latest main first — only when the repo tracks an upstream.
      const upstream = await ctx.exec('git', ['-C', repo, 'rev-parse', '--abbrev-ref', '@{u}'], { reject: false });
      if (upstream.exitCode === 0)
        await ctx.exec('git', ['-C', repo, 'pull', '--ff-only'], { failCode: ErrorCode.SYNC_FAILED });
      ctx.data.worktree_ref = (await currentBranch(ctx, repo)) || ctx.data.worktree_ref;
      mkdirSync(dirname(path), { recursive: true });
      const hasBranch =
        (
          await ctx.exec('git', ['-C', repo, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], {
            reject: false,
          })
        ).exitCode === 0;
      // A crash after `worktree add -b` created the branch but before the dir existed: reuse the branch.
      const argv = hasBranch
        ? ['git', '-C', repo, 'worktree', 'add', path, branch]
        : worktreeAddArgv(repo, path, branch);
      await ctx.exec(argv[0] as string, argv.slice(1), { failCode: ErrorCode.WORKTREE_CONFLICT });
      ctx.data.worktree_path = path;
      return { output: { path, reused: false } };
    },
  };
}

export function pinUpdateStep(env: RedeployEnvContext, describe: Step<RedeployData>['describe']): Step<RedeployData> {
  return {
    id: 'PIN_UPDATE',
    title: 'PIN_UPDATE: Dockerfile pins',
    describe,
    async run(ctx: Ctx) {
      if (ctx.data.flags.verify_only || ctx.data.flags.skip_dockerfile_update) return SKIP_FLAG;
      const wt = ctx.data.worktree_path;
      if (!wt) throw new FerryError(ErrorCode.STEP_FAILED, 'no worktree path recorded; WORKTREE must run first');
      const dockerfile = join(wt, env.config.dockerfile);
      const versions = ctx.data.versions_requested;
      let pins: Record<string, { from: string | null; to: string; matched: boolean }>;
      if (env.config.pin_command) {
        const argv = fill(env.config.pin_command, { versions: formatVersions(versions), dockerfile });
        const r = await ctx.exec(argv[0] as string, argv.slice(1), {
          cwd: wt,
          env: env.env,
          failCode: ErrorCode.PIN_UNMATCHED,
        });
        for (const l of r.stderr.split('\n')) if (l.trim()) ctx.log.info(l);
        const last =
          r.stdout
            .split('\n')
            .filter((l) => l.trim())
            .pop() ?? '';
        try {
          pins = JSON.parse(last) as typeof pins;
        } catch {
          throw new FerryError(
            ErrorCode.STEP_FAILED,
            `pin command did not print JSON as its last stdout line: ${last.slice(0, 200)}`,
          );
        }
      } else {
        const allowUnmatched = Boolean(ctx.data.flags.allow_unmatched);
        let r: Awaited<ReturnType<typeof applyPins>>;
        try {
          r = await applyPins({
            versions,
            dockerfile,
            label: env.config.dockerfile,
            allowUnmatched,
            allowDowngrade: Boolean(ctx.data.flags.allow_downgrade),
            rangePins: env.config.range_pins,
          });
        } catch (e) {
          // The pins editor's own hint (`ferry pins … --allow-unmatched`) would not get this run past PIN_UPDATE.
          if (isFerryError(e) && e.code === ErrorCode.PIN_UNMATCHED) {
            throw new FerryError(e.code, e.message, {
              details: e.details,
              fix: resumeCommand(ctx.runId, versions, { ...ctx.data.flags, allow_unmatched: true }),
            });
          }
          throw e;
        }
        for (const l of r.lines) ctx.log.info(l);
        pins = r.pins;
      }
      const applied: Record<string, PinApplied> = {};
      for (const [k, p] of Object.entries(pins)) if (p.matched) applied[k] = { from: p.from ?? null, to: p.to };
      const missing = Object.keys(versions).filter((k) => !(k in applied));
      ctx.data.pins_applied = applied;
      ctx.data.not_in_dockerfile = missing;
      return { output: { pins_applied: applied, ...(missing.length ? { not_in_dockerfile: missing } : {}) } };
    },
  };
}
