// LOCK, LINT, COMMIT, PUSH, PR, MERGE: one sequence per release unit (the packages of one repo in
// one tier share a branch, a commit and a merge).

import { healRunWorktree } from '../worktree-heal.js';
import { Git } from '../../adapters/git/git.js';
import { ErrorCode, FerryError } from '../../errors.js';
import type { Step } from '../../engine/types.js';
import { formatCommand, tail } from '../../util/process.js';
import type { Ecosystem, ReleaseData } from '../types.js';
import { baseOf, remoteOf, repoOf, resumeCommand, unitOf, type Ctx, type ReleaseDeps } from './deps.js';

function ecosystems(ctx: Ctx, unit: string): Ecosystem[] {
  return [...new Set(unitOf(ctx, unit).packages.map((p) => repoOf(ctx, p).ecosystem))].sort();
}

/** LOCK argv per ecosystem present in the unit (configured ones only). */
export function lockCommands(deps: ReleaseDeps, ecos: readonly Ecosystem[]): string[][] {
  return ecos.map((e) => deps.cfg.lock[e]).filter((a): a is string[] => Array.isArray(a));
}

function commandStep(
  unit: string,
  phase: 'LOCK' | 'LINT',
  argvs: (ctx: Ctx) => string[][],
  code: ErrorCode,
): Step<ReleaseData> {
  return {
    id: `${unit}/${phase}`,
    title: `${unit}: ${phase.toLowerCase()}`,
    group: unit,
    describe: (ctx) => {
      const list = argvs(ctx);
      return list.length
        ? list.map(([f = '', ...a]) => ({
            kind: 'exec' as const,
            text: `${formatCommand(f, a)}   (in ${unitOf(ctx, unit).worktree_path})`,
          }))
        : [{ kind: 'note', text: `${phase.toLowerCase()} not configured` }];
    },
    // No check(): LOCK and LINT always re-run (cheap, keeps the tree consistent).
    run: async (ctx) => {
      const list = argvs(ctx);
      if (!list.length) return { status: 'skipped', detail: 'not_configured' };
      const cwd = unitOf(ctx, unit).worktree_path;
      for (const [file = '', ...args] of list) {
        const r = await ctx.exec(file, args, { cwd, reject: false, signal: ctx.signal });
        if (r.exitCode !== 0) {
          const what = phase === 'LINT' ? 'lint hook failed' : 'lock failed';
          throw new FerryError(
            code,
            `${unit}: ${what} (${r.command} exited ${r.exitCode}):\n${tail(r.all || r.shortMessage, 20)}`,
            {
              fix: `cd ${cwd} && ${r.command}   # fix, then: ${resumeCommand(ctx.runId)}`,
              details: { command: r.command, exitCode: r.exitCode, output_tail: tail(r.all || r.shortMessage, 20) },
            },
          );
        }
      }
      return { output: { commands: list.length } };
    },
  };
}

export function lockStep(unit: string, deps: ReleaseDeps): Step<ReleaseData> {
  return commandStep(unit, 'LOCK', (ctx) => lockCommands(deps, ecosystems(ctx, unit)), ErrorCode.LOCK_FAILED);
}

export function lintStep(unit: string, deps: ReleaseDeps): Step<ReleaseData> {
  return commandStep(unit, 'LINT', () => (deps.cfg.lint ? [deps.cfg.lint] : []), ErrorCode.LINT_FAILED);
}

export function commitStep(unit: string): Step<ReleaseData> {
  return {
    id: `${unit}/COMMIT`,
    title: `${unit}: commit`,
    group: unit,
    describe: (ctx) => [
      {
        kind: 'exec',
        text: formatCommand('git', [
          '-C',
          unitOf(ctx, unit).worktree_path,
          'commit',
          '-am',
          unitOf(ctx, unit).commit_message,
        ]),
      },
    ],
    check: async (ctx) => {
      const u = unitOf(ctx, unit);
      const git = new Git(ctx.exec);
      if ((await git.headSubject(u.worktree_path)) !== u.commit_message) return undefined;
      u.head_sha = await git.revParse(u.worktree_path, 'HEAD');
      return { status: 'skipped', detail: 'already_committed', output: { sha: u.head_sha } };
    },
    run: async (ctx) => {
      const u = unitOf(ctx, unit);
      if (ctx.attempt > 1) await healRunWorktree(u.repoDir, u.worktree_path);
      u.head_sha = await new Git(ctx.exec).commitAll(u.worktree_path, u.commit_message);
      return { output: { sha: u.head_sha } };
    },
  };
}

export function pushStep(unit: string, deps: ReleaseDeps): Step<ReleaseData> {
  const remote = remoteOf(deps.cfg);
  return {
    id: `${unit}/PUSH`,
    title: `${unit}: push branch`,
    group: unit,
    describe: (ctx) => [
      {
        kind: 'exec',
        text: formatCommand('git', [
          '-C',
          unitOf(ctx, unit).worktree_path,
          'push',
          remote,
          `HEAD:refs/heads/${unitOf(ctx, unit).branch}`,
        ]),
      },
    ],
    check: async (ctx) => {
      const u = unitOf(ctx, unit);
      const git = new Git(ctx.exec);
      const local = await git.revParse(u.worktree_path, 'HEAD');
      const onRemote = await git.lsRemote(u.worktree_path, remote, `refs/heads/${u.branch}`);
      return local && onRemote === local
        ? { status: 'skipped', detail: 'already_pushed', output: { sha: local } }
        : undefined;
    },
    run: async (ctx) => {
      const u = unitOf(ctx, unit);
      await new Git(ctx.exec).push(u.worktree_path, remote, [`HEAD:refs/heads/${u.branch}`], resumeCommand(ctx.runId));
      return { output: { branch: u.branch } };
    },
  };
}

function changeInput(
  ctx: Ctx,
  unit: string,
  deps: ReleaseDeps,
): { repoDir: string; repo: string; branch: string; base: string; title: string; body: string } {
  const u = unitOf(ctx, unit);
  const lines = u.packages.map(
    (p) => `- ${p}: ${repoOf(ctx, p).old_version} → ${repoOf(ctx, p).new_version} (${repoOf(ctx, p).bump})`,
  );
  return {
    repoDir: u.repoDir,
    repo: u.repo,
    branch: u.branch,
    base: baseOf(u, deps.cfg),
    title: u.commit_message,
    body: `Release run ${ctx.runId}\n\n${lines.join('\n')}\n`,
  };
}

export function prStep(unit: string, deps: ReleaseDeps): Step<ReleaseData> {
  return {
    id: `${unit}/PR`,
    title: `${unit}: open change request`,
    group: unit,
    describe: (ctx) => [
      {
        kind: 'api',
        text: `forge ${deps.cfg.forge.kind}: open PR ${unitOf(ctx, unit).branch} → ${baseOf(unitOf(ctx, unit), deps.cfg)} (reuse an existing one)`,
      },
    ],
    run: async (ctx) => {
      const u = unitOf(ctx, unit);
      const forge = await deps.forge(ctx.exec);
      const pr = await forge.ensurePr(changeInput(ctx, unit, deps), (m) => ctx.log.info(m));
      u.pr_url = pr.url;
      u.pr_number = pr.number;
      for (const p of u.packages) Object.assign(repoOf(ctx, p), { pr_url: pr.url, pr_number: pr.number });
      return { output: { pr_number: pr.number, pr_url: pr.url } };
    },
  };
}

export function mergeStep(unit: string, deps: ReleaseDeps): Step<ReleaseData> {
  return {
    id: `${unit}/MERGE`,
    title: `${unit}: squash-merge`,
    group: unit,
    describe: (ctx) => [
      {
        kind: 'api',
        text: `forge ${deps.cfg.forge.kind}: squash-merge ${unitOf(ctx, unit).branch} into ${baseOf(unitOf(ctx, unit), deps.cfg)} as "${unitOf(ctx, unit).commit_message}"`,
      },
    ],
    run: async (ctx) => {
      const u = unitOf(ctx, unit);
      if (!u.head_sha || u.pr_number === null || u.pr_url === null)
        throw new Error(`${unit}: MERGE before COMMIT/PR recorded their results`);
      const forge = await deps.forge(ctx.exec);
      const input = changeInput(ctx, unit, deps);
      const pr = { number: u.pr_number, url: u.pr_url, state: 'open' as const, head: u.branch, base: input.base };
      const { mergeSha, alreadyMerged } = await forge.merge(
        { ...input, pr, commitMessage: u.commit_message, headSha: u.head_sha },
        (m) => ctx.log.info(m),
      );
      u.merge_sha = mergeSha;
      return {
        ...(alreadyMerged ? { status: 'skipped' as const, detail: 'already_merged' } : {}),
        output: { merge_sha: mergeSha },
      };
    },
  };
}
