// `ferry release`: validate → scan → drift guard → plan table + hash → gate → steps → summary.
// The thin orchestration over the pure parts (scan, plan, prepare, result) and the engine.

import { join, relative } from 'node:path';
import { releaseRunId, validateRunId } from '../engine/run-id.js';
import { archiveState, loadState } from '../engine/state-store.js';
import { openRun, writeResult, type EngineOptions, type Run } from '../engine/run.js';
import type { RunLock } from '../engine/lock.js';
import { lockReleaseRepos } from './workspace-lock.js';
import { assertTemplates } from '../config/template-check.js';
import {
  describeUnpublished,
  findUnpublished,
  madeByFerry,
  recoverUnpublished,
  recoveryStarted,
  taggedNotPublished,
  type Unpublished,
} from './recover.js';
import { mapLimit } from '../util/concurrency.js';
import type { LoadedConfig } from '../config/load.js';
import { createForge } from '../adapters/forge/index.js';
import { createRegistry } from '../adapters/registry/index.js';
import type { Registry } from '../adapters/registry/types.js';
import { raceGates, selectGates, type GateChannel, type GateFactory } from '../adapters/gate/index.js';
import type { TtyGateOptions } from '../adapters/gate/tty.js';
import { Git } from '../adapters/git/git.js';
import { ErrorCode, FerryError, serializeError } from '../errors.js';
import { exec as defaultExec, formatCommand, type Exec } from '../util/process.js';
import type { Bump, ClassifiedCommit } from './conventional.js';
import { parseGateAttestation } from './gate-token.js';
import type { ChangesetIntent } from './changesets.js';
import { consumedChangesets, repoChangesets } from './intents.js';
import {
  planHash,
  renderBumpSources,
  renderGateMessage,
  renderNotReleased,
  renderNothingToRelease,
  renderPlanTable,
  renderVersionSources,
  sortRows,
} from './plan.js';
import { driftGuard, initialData, missingForgeToken, missingTokenWarnings, releasePackages } from './prepare.js';
import { projectRelease, releaseFinalStatus } from './project.js';
import { buildResult, renderFailure, renderSummary, type ReleaseResult } from './result.js';
import { releaseRef } from './branches.js';
import { scanRepo } from './scan-repo.js';
import { readRefs } from './facts.js';
import { catFileReader, type CatFileReader } from './cat-file.js';
import { releasePolicies } from './policies/index.js';
import { withLockstepMembers } from './policies/groups.js';
import { preflight } from './preflight.js';
import { planRewrites, renderRewrites } from './rewrites.js';
import { pythonBinary } from '../adapters/registry/pypi-build.js';
import { checkStale, cleanupWorktrees, rescanForResume } from './run-support.js';
import { buildReleaseSteps } from './steps/index.js';
import { resumeCommand, type ReleaseDeps } from './steps/deps.js';
import type { PlanRow, ReleaseData, ReleasePackage } from './types.js';

export interface ReleaseRequest {
  packages: string[];
  all?: boolean;
  bump?: string;
  /** Pre-release identifier (`rc`, `b`, `next`…): every planned version is a pre-release. */
  prerelease?: string;
  dryRun: boolean;
  resume?: string;
  runId?: string;
  gateAttestation?: string;
  skipRegistryWait?: boolean;
  /** Skip the preflight build before the gate. */
  skipPreflight?: boolean;
  registryTimeoutMinutes?: number;
  /** `--recover`: publish what ferry tagged but never uploaded, then stop (no plan, no gate). */
  recover?: boolean;
  /**
   * Who is asking: `person` (a terminal), `script` (plain output, no terminal) or `agent` (MCP,
   * `--agent`, or `--json` without a terminal). An agent's attestation that ferry cannot verify (no
   * Slack) is refused, and an agent's release also waits on the dashboard. Default `person`.
   */
  caller?: 'person' | 'script' | 'agent';
}

export interface ReleaseIo {
  loaded: LoadedConfig;
  engine: EngineOptions;
  /** Human text (stdout). */
  print(text: string): void;
  /** Human notes and warnings (stderr). */
  note(text: string): void;
  exec?: Exec;
  gate?: { tty?: TtyGateOptions; factories?: Partial<Record<'slack' | 'dashboard', GateFactory>> };
  now?: () => Date;
}

export interface ReleaseOutcome {
  result: ReleaseResult;
  exitCode: 0 | 1 | 2;
  resultPath: string | null;
}

const BUMPS = ['major', 'minor', 'patch'];

function withSources(rows: readonly PlanRow[]): string {
  return [renderVersionSources(rows), renderBumpSources(rows)]
    .filter(Boolean)
    .map((t) => `${t}\n\n`)
    .join('');
}

function validate(req: ReleaseRequest, known: readonly ReleasePackage[]): { bump: Bump | null } {
  if (req.bump !== undefined && !BUMPS.includes(req.bump)) {
    throw new FerryError(ErrorCode.USAGE, `--bump ${JSON.stringify(req.bump)}: expected major, minor or patch`, {
      fix: 'ferry release --bump minor',
    });
  }
  if (req.registryTimeoutMinutes !== undefined && !(req.registryTimeoutMinutes > 0)) {
    throw new FerryError(ErrorCode.USAGE, '--registry-timeout-minutes must be a positive number', {
      fix: 'ferry release --registry-timeout-minutes 10',
    });
  }
  if (req.all && req.packages.length)
    throw new FerryError(ErrorCode.USAGE, '--all and package names are mutually exclusive', {
      fix: 'ferry release --all',
    });
  const names = new Set(known.flatMap((p) => [p.name, p.repo]));
  for (const n of req.packages) {
    if (!names.has(n))
      throw new FerryError(ErrorCode.USAGE, `unknown package or repo ${JSON.stringify(n)}`, {
        fix: `ferry release ${[...names].sort()[0] ?? ''}   # configured: ${[...names].sort().join(', ')}`,
      });
  }
  return { bump: (req.bump as Bump | undefined) ?? null };
}

/** Fetches and scans in flight at once: enough to hide network latency, few enough for 2 cores. */
const SCAN_CONCURRENCY = 8;

async function scanAll(
  git: Git,
  pkgs: readonly ReleasePackage[],
  io: ReleaseIo,
  bump: Bump | null,
  fetch: boolean,
  prerelease: string | null = null,
  named: readonly string[] = [],
  files: CatFileReader = catFileReader(),
): Promise<{
  rows: PlanRow[];
  commits: Record<string, ClassifiedCommit[]>;
  changesets: Record<string, ChangesetIntent[]>;
  refs: Map<string, string>;
}> {
  const cfg = io.loaded.config.release;
  const remote = cfg.forge.remote;
  const dirs = [...new Set(pkgs.map((p) => p.repoDir))];
  const branchOf = new Map(pkgs.map((p) => [p.repoDir, p.mainBranch]));
  const refOf = await mapLimit(dirs, SCAN_CONCURRENCY, async (dir) => {
    // Without a fetch (dry run) the tracking ref alone says what the remote last had.
    if (fetch && (await git.hasRemote(dir, remote))) await git.fetch(dir, remote);
    const branch = branchOf.get(dir) ?? cfg.main_branch;
    // One for-each-ref per repo: every tag and the two refs the release may be cut from.
    const read = await readRefs(dir, [`refs/remotes/${remote}/${branch}`, `refs/heads/${branch}`]);
    const ref = await releaseRef(git, {
      dir,
      remote,
      branch,
      packages: pkgs.filter((p) => p.repoDir === dir).map((p) => p.name),
      fetched: fetch,
      workspaceDir: io.loaded.workspaceDir,
      configPath: io.loaded.path,
      note: io.note,
      shas: read.branches,
    });
    return { ref, tags: read.tags };
  });
  const refs = new Map(dirs.map((d, i) => [d, refOf[i]!]));
  const changesets = await repoChangesets(
    git,
    pkgs,
    new Map(dirs.map((d) => [d, refs.get(d)!.ref])),
    cfg.intents,
    io.note,
    SCAN_CONCURRENCY,
  );
  // One scan per repo (a constant number of git processes each), not one per package.
  const scanned = await mapLimit(dirs, SCAN_CONCURRENCY, async (dir) => {
    const inRepo = pkgs.filter((p) => p.repoDir === dir);
    const repo = inRepo[0]!.repo;
    const configured = io.loaded.config.packages.filter((c) => (c.repo ?? c.name) === repo);
    const out = await scanRepo(dir, inRepo, {
      ref: refs.get(dir)!.ref,
      tags: refs.get(dir)!.tags,
      bumpTypes: cfg.bump_types,
      bumpOverride: bump,
      defaultBump: cfg.default_bump === 'none' ? null : cfg.default_bump,
      // Named on the command line by its name (or its repo's, when the repo holds only it).
      explicit: (p) => named.includes(p.name) || (named.includes(p.repo) && configured.length === 1),
      prerelease,
      siblings: configured.map((c) => ({ name: c.name, repo, path: c.path })),
      intents: cfg.intents,
      changesets: changesets.get(dir) ?? [],
      cat: files.session(dir),
    });
    return inRepo.map((p, i) => [p.name, out[i]!] as const);
  });
  const byName = new Map(scanned.flat());
  const results = pkgs.map((p) => byName.get(p.name)!);
  for (const r of results) for (const w of r.warnings) io.note(`note: ${w}`);
  return {
    rows: sortRows(
      releasePolicies(
        results.map((r, i) => ({ ...r.row, branch: pkgs[i]!.mainBranch })),
        pkgs,
        io.loaded,
        bump,
        prerelease,
      ),
    ),
    commits: Object.fromEntries(results.map((r) => [r.row.package, r.commits])),
    changesets: consumedChangesets(changesets, pkgs),
    refs: new Map([...refs].map(([d, r]) => [d, r.ref])),
  };
}

/** Run `ferry release`. Throws FerryError for usage/config problems (exit 2) and pre-run failures. */
export async function runRelease(req: ReleaseRequest, io: ReleaseIo): Promise<ReleaseOutcome> {
  // One cat-file session per repo for the scan and the plan's rewrites (closed once the plan is
  // shown; here too, for every way out before that).
  const files = catFileReader();
  try {
    return await release(req, io, files);
  } finally {
    await files.close();
  }
}

async function release(req: ReleaseRequest, io: ReleaseIo, files: CatFileReader): Promise<ReleaseOutcome> {
  const now = io.now?.() ?? new Date();
  const exec = io.exec ?? defaultExec;
  const git = new Git(exec);
  const home = io.engine.stateDir;
  // 1. VALIDATE — the attestation's format before anything else is read or scanned.
  if (req.gateAttestation !== undefined) parseGateAttestation(req.gateAttestation);
  // Every tag, branch and commit-message template rendered and checked before anything is scanned.
  assertTemplates(io.loaded);
  const all = releasePackages(io.loaded);
  const { bump } = validate(req, all);
  const named = req.packages.length
    ? all.filter((p) => req.packages.includes(p.name) || req.packages.includes(p.repo))
    : all;
  // A lockstep group releases as one: naming a member brings in the rest.
  const grown = withLockstepMembers(
    named.map((p) => p.name),
    io.loaded.config.release.groups,
  );
  for (const j of grown.joined)
    io.note(
      `note: ${j.packages.join(', ')} join: they release in lockstep with ${j.via.join(', ')} (group ${j.group})`,
    );
  const selected = all.filter((p) => grown.names.includes(p.name));
  const baseId =
    req.resume ??
    req.runId ??
    releaseRunId(
      selected.map((p) => p.name),
      now,
    );
  validateRunId(baseId, req.resume ? '--resume' : '--run-id');
  // A new run never takes the id of a finished (or stale) one: it moves on to <id>-2… (with a note).
  const runId = req.resume
    ? baseId
    : await checkStale(home, baseId, Boolean(req.runId), io.note, now, io.engine.dryRun);
  // `--resume nope` is bad usage (STATE_NOT_FOUND, exit 2) whatever else is wrong: say so before the
  // token, drift and scan checks below, which are about a run that does not exist.
  if (req.resume) await loadState(home, 'release', runId);
  // Still before any scan: the token must name this run, so one for a finished run is refused.
  if (req.gateAttestation !== undefined)
    parseGateAttestation(req.gateAttestation, runId, runId !== baseId ? baseId : undefined);
  // With Slack configured the attestation must be a real approval of this run in the channel; a
  // reply in the gate thread also says which plan it approved (checked once the scan has run).
  let approvedPlan: string | undefined;
  if (req.gateAttestation !== undefined && !io.loaded.config.notify.slack && !io.engine.dryRun)
    unverifiableAttestation(req, runId, io);
  if (req.gateAttestation !== undefined && io.loaded.config.notify.slack && !io.engine.dryRun) {
    const { checkGateAttestationFromConfig } = await import('../adapters/gate/attestation.js');
    approvedPlan = (
      await checkGateAttestationFromConfig(
        req.gateAttestation,
        runId,
        io.loaded.config.notify,
        io.loaded.config.release.gate,
        { env: io.loaded.env, log: io.note },
      )
    ).planHash;
  }

  const forgeToken = missingForgeToken(io.loaded);
  if (forgeToken && !io.engine.dryRun) {
    throw new FerryError(
      ErrorCode.ENV_MISSING,
      `forge github needs a token in $${forgeToken}, which is not set (checked before the gate, so nobody approves a run that cannot open its PRs)`,
      {
        fix: `export ${forgeToken}=<token with contents:write and pull_requests:write>   # then run ferry release again`,
        details: { env: forgeToken },
      },
    );
  }
  if (forgeToken)
    io.note(
      `warning: $${forgeToken} is not set: a real run stops before the gate (forge github needs it for PRs and merges)`,
    );

  // 2-3. SCAN and DRIFT GUARD.
  driftGuard(io.loaded);
  const options = {
    skip_registry_wait: req.skipRegistryWait ?? io.loaded.config.release.registry_wait.skip,
    registry_timeout_minutes: req.registryTimeoutMinutes ?? io.loaded.config.release.registry_wait.timeout_minutes,
    bump_override: bump,
    prerelease: req.prerelease ?? null,
  };
  const deps = releaseDeps(io, exec);
  const spec = {
    pipeline: 'release',
    runId,
    buildSteps: (d: ReleaseData) => buildReleaseSteps(d, deps),
    project: projectRelease,
    finalStatus: releaseFinalStatus,
    resumeCommand: resumeCommand(runId),
    // checkStale() already warned, and may have picked a new id for a stale or finished one.
    warnStale: false,
  };
  let run: Run<ReleaseData>;
  let rows: PlanRow[];
  let hash: string;
  let refs: Map<string, string>;
  let repoLock: RunLock | null = null;
  const lockRepos = async (pkgs: readonly ReleasePackage[]) => {
    if (!io.engine.dryRun)
      repoLock = await lockReleaseRepos(
        pkgs.map((p) => p.repoDir),
        runId,
        io.loaded.workspaceDir,
      );
  };
  if (req.resume) {
    run = await openRun({ ...spec, resume: true, data: undefined as unknown as ReleaseData }, io.engine);
    try {
      await lockRepos(selectedFor(all, run.state.data));
      const scanned = await scanAll(
        git,
        selectedFor(all, run.state.data),
        io,
        run.state.data.options.bump_override,
        !io.engine.dryRun,
        run.state.data.options.prerelease ?? null,
        // A package the run planned stays named: its --bump still applies when it has no commits.
        run.state.data.plan.filter((r) => r.status !== 'NOTHING_TO_RELEASE').map((r) => r.package),
        files,
      );
      refs = scanned.refs;
      rows = rescanForResume(
        run.state,
        scanned.rows,
        scanned.commits,
        io.loaded.config.release.commit_message,
        scanned.changesets,
      );
      hash = planHash(rows);
      checkApprovedPlan(req, approvedPlan, hash);
      run.state.data.options = {
        ...run.state.data.options,
        ...(req.skipRegistryWait !== undefined ? { skip_registry_wait: req.skipRegistryWait } : {}),
        ...(req.registryTimeoutMinutes !== undefined ? { registry_timeout_minutes: req.registryTimeoutMinutes } : {}),
      };
      run.state.data.plan_hash = hash;
    } catch (e) {
      await run.close();
      await (repoLock as RunLock | null)?.release();
      throw e;
    }
  } else {
    const scanned = await scanAll(
      git,
      selected,
      io,
      bump,
      !io.engine.dryRun,
      req.prerelease ?? null,
      req.packages,
      files,
    );
    rows = scanned.rows;
    refs = scanned.refs;
    hash = planHash(rows);
    // Truth from the registry, not only from tags: a version ferry tagged but never uploaded.
    const unpublished = await findUnpublished(rows, selected, {
      registry: (key) => deps.registry(key, exec),
      note: io.note,
      ferryTagged: (p, tag, version) => madeByFerry(exec, p, tag, version, io.loaded.config.release.commit_message),
      recoveryUnfinished: (p, version) => recoveryStarted(io.engine.stateDir, p.name, version),
    });
    if (req.recover) return recover(unpublished, selected, io, { runId, hash, rows, deps, git, options });
    if (unpublished.length && io.engine.dryRun)
      io.note(
        `warning: tagged, not published: ${describeUnpublished(unpublished)}; a real run stops with TAGGED_NOT_PUBLISHED before the gate; publish them from their tags with: ferry release --recover`,
      );
    else if (unpublished.length) throw taggedNotPublished(unpublished);
    checkApprovedPlan(req, approvedPlan, hash);
    if (!rows.some((r) => r.status === 'PLANNED')) {
      io.print(`${renderPlanTable(rows)}\n\n${withSources(rows)}plan_hash: ${hash}\n${renderNothingToRelease(rows)}`);
      const result = buildResult({ runId, planHash: hash, rows, data: null, dryRun: io.engine.dryRun });
      return { result, exitCode: 0, resultPath: null };
    }
    const data = initialData({
      runId,
      date: now.toISOString().slice(0, 10),
      now: now.toISOString(),
      home,
      cfg: io.loaded.config.release,
      rows,
      packages: all,
      commits: scanned.commits,
      changesets: scanned.changesets,
      planHash: hash,
      options,
    });
    await lockRepos(selected.filter((p) => rows.some((r) => r.package === p.name && r.status === 'PLANNED')));
    try {
      run = await openRun({ ...spec, resume: false, data }, io.engine);
    } catch (e) {
      await (repoLock as RunLock | null)?.release();
      throw e;
    }
  }

  // 4. PLAN DISPLAY.
  const data = run.state.data;
  const statusOf = (r: PlanRow): string =>
    r.status === 'PLANNED' ? (data.repos[r.package]?.phase ?? r.status) : r.status;
  const skipped = renderNotReleased(rows);
  io.print(
    `Release ${runId}\n\n${renderPlanTable(rows, statusOf)}\n\n${withSources(rows)}${skipped ? `${skipped}\n\n` : ''}plan_hash: ${hash}`,
  );
  for (const w of missingTokenWarnings(io.loaded, all, rows)) io.note(`warning: ${w}`);
  try {
    // 4a. The dependency declarations PIN will rewrite, with file and line (an edit that would miss fails here).
    // Manifests at the release ref through the scan's cat-file sessions (one per repo), not a `git show` per package.
    const rewrites = await planRewrites(rows, all, io.loaded.config.release.pin_style, (p, f) =>
      files.text(p.repoDir, refs.get(p.repoDir) ?? 'HEAD', f),
    ).finally(() => files.close());
    if (Object.keys(rewrites).length) io.print(`\n${renderRewrites(rewrites)}`);
    // 4b. PREFLIGHT: build what would be published (scratch copies, nothing pushed) before the gate;
    // a resumed run whose plan was approved already built it (and may be past PUBLISH).
    const approved = Boolean(req.resume && data.gate_token && data.gate_plan_hash === hash);
    const preflightRun = (): Promise<void> =>
      !approved && !req.skipPreflight && io.loaded.config.release.preflight.enabled
        ? runPreflight(io, exec, deps, rows, all, refs)
        : Promise.resolve();
    // 5. DRY RUN: describe every step, change nothing.
    if (io.engine.dryRun) {
      await preflightRun();
      await run.execute();
      return {
        result: buildResult({ runId, planHash: hash, rows, data, dryRun: true, rewrites }),
        exitCode: 0,
        resultPath: null,
      };
    }
    // 6. GATE — bound to the plan hash; a resumed run with an unchanged, approved plan is not asked again.
    try {
      await preflightRun();
      await gate(run, req, io, rows, hash);
    } catch (e) {
      run.state.status = 'failed';
      data.status = 'failed';
      await run.save();
      const result = buildResult({
        runId,
        planHash: hash,
        rows,
        data,
        dryRun: false,
        error: serializeError(e),
        resume: resumeCommand(runId),
        rewrites,
      });
      const resultPath = await writeResult(io.engine, runId, 'release', result);
      const err = e as FerryError;
      io.note(`error[${err.code ?? 'INTERNAL'}]: ${err.message}${err.fix ? `\n  fix: ${err.fix}` : ''}`);
      return { result, exitCode: 1, resultPath };
    }
    // 7. EXECUTE.
    const final = await run.execute();
    const failedStep = final.step_order.map((id) => final.steps[id]).find((r) => r?.status === 'failed');
    const result = buildResult({
      runId,
      planHash: hash,
      rows,
      data: final.data,
      dryRun: false,
      error: failedStep?.error ?? null,
      resume: resumeCommand(runId),
      rewrites,
    });
    io.print(`\n${renderSummary(result)}`);
    // LOW_RISK summary to Slack / webhook; a failed notice is reported, never fails the release.
    const { notifyReleaseSummary } = await import('../adapters/notify/index.js');
    await notifyReleaseSummary(
      io.loaded.config.notify,
      {
        runId,
        status: result.status,
        rows: result.details
          .filter((d) => d.new_version)
          .map((d) => ({
            repo: d.repo,
            from: d.old_version,
            to: d.new_version ?? '',
            pr: d.pr_url,
            tag: d.tag,
            registry: d.pypi_status,
            error: d.error,
          })),
      },
      { env: io.loaded.env, log: (m) => run.log.warn(m) },
    );
    // 8. CLEANUP on success: worktrees removed, state archived.
    if (final.status === 'completed') {
      await cleanupWorktrees(git, home, runId, final.data);
      await noteBehindClones(git, io, selectedFor(all, final.data));
    } else {
      const failed = Object.values(final.data.repos).find((r) => r.error && r.phase !== 'BLOCKED');
      io.note(`\n${renderFailure(runId, final.status, failed, resumeCommand(runId))}`);
    }
    const resultPath = await writeResult(io.engine, runId, 'release', result);
    return { result, exitCode: final.status === 'completed' ? 0 : 1, resultPath };
  } finally {
    await run.close();
    await (repoLock as RunLock | null)?.release();
    if (!io.engine.dryRun && run.state.status === 'completed') await archiveState(home, 'release', runId);
  }
}

/**
 * The release commits went to the remote from ferry's worktrees; the clones' own main branches did
 * not move. Say which are behind, or the next `git push` there is rejected as non-fast-forward.
 */
async function noteBehindClones(git: Git, io: ReleaseIo, pkgs: readonly ReleasePackage[]): Promise<void> {
  const { remote } = io.loaded.config.release.forge;
  const behind: { dir: string; main: string }[] = [];
  for (const dir of new Set(pkgs.map((p) => p.repoDir))) {
    const main = pkgs.find((p) => p.repoDir === dir)?.mainBranch ?? io.loaded.config.release.main_branch;
    if (!(await git.revParse(dir, `refs/heads/${main}`))) continue;
    if ((await git.log(dir, `refs/heads/${main}..refs/remotes/${remote}/${main}`)).length > 0)
      behind.push({ dir, main });
  }
  const [first] = behind;
  if (!first) return;
  const mixed = behind.some((b) => b.main !== first.main);
  const names = behind
    .map((b) => `${relative(io.loaded.workspaceDir, b.dir) || '.'}${mixed ? ` (${b.main})` : ''}`)
    .join(', ');
  const what = mixed
    ? `the local release branches of ${names} are behind ${remote}`
    : `local ${first.main} of ${names} is behind ${remote}/${first.main}`;
  io.note(
    `note: ${what} (the release commits are on the remote); update with: ${formatCommand('git', ['-C', first.dir, 'pull', '--ff-only', remote, first.main])}${behind.length > 1 ? ' (and likewise in the others)' : ''}`,
  );
}

function selectedFor(all: readonly ReleasePackage[], data: ReleaseData): ReleasePackage[] {
  const names = new Set(data.plan.map((r) => r.package));
  return all.filter((p) => names.has(p.name));
}

/**
 * Without Slack ferry cannot check that an attestation is a person's approval: only its format and
 * run id. A person at a terminal (or a plain script) is trusted with a warning, as in the seed; an
 * agent is not, or it could approve its own HIGH_RISK release by making a token up.
 * @throws INVALID_GATE_TOKEN (exit 2, before any scan) for an agent.
 */
function unverifiableAttestation(req: ReleaseRequest, runId: string, io: ReleaseIo): void {
  if ((req.caller ?? 'person') !== 'agent') {
    io.note(
      `warning: --gate-attestation ${req.gateAttestation} cannot be verified (notify.slack is not configured): only its format and run id were checked; accepted because it did not come from an agent`,
    );
    return;
  }
  throw new FerryError(
    ErrorCode.INVALID_GATE_TOKEN,
    `--gate-attestation cannot be verified without Slack (notify.slack is not configured), and it came from an agent (MCP, --agent or --json without a terminal): an agent cannot approve its own release`,
    {
      fix: `ferry release --run-id ${runId}   # without --gate-attestation: it waits for a person to approve (ferry dashboard → /gates/${runId})`,
      details: { run_id: runId, reason: 'unverifiable_attestation' },
    },
  );
}

/**
 * An attestation verified in Slack as a reply to a gate message approved that message's plan: when
 * the scan now gives another plan hash, the approval is for something else (exit 2, nothing changed).
 */
function checkApprovedPlan(req: ReleaseRequest, approved: string | undefined, hash: string): void {
  if (approved === undefined || approved === hash) return;
  throw new FerryError(
    ErrorCode.INVALID_GATE_TOKEN,
    `--gate-attestation ${req.gateAttestation} approved plan ${approved}, but the plan is now ${hash} (commits or versions changed since the approval)`,
    {
      fix: `ferry release --dry-run   # review the new plan, then ask for a new approval (or run without --gate-attestation)`,
      details: { approved_plan_hash: approved, plan_hash: hash },
    },
  );
}

async function gate(
  run: Run<ReleaseData>,
  req: ReleaseRequest,
  io: ReleaseIo,
  rows: PlanRow[],
  hash: string,
): Promise<void> {
  const data = run.state.data;
  const cfg = io.loaded.config.release.gate;
  if (req.gateAttestation !== undefined) {
    data.gate_token = req.gateAttestation;
    data.gate_plan_hash = hash;
    // Shown even when pre-approved: the log must say what exactly the token approved.
    run.emit({
      type: 'gate.requested',
      message: renderGateMessage(run.state.run_id, hash, rows),
      data: { plan_hash: hash, channels: ['attestation'] },
    });
    run.emit({
      type: 'gate.approved',
      status: 'attestation',
      message: `by attestation ${req.gateAttestation}`,
      data: { token: req.gateAttestation, plan_hash: hash, channel: 'attestation' },
    });
  } else if (data.gate_token && data.gate_plan_hash === hash) {
    run.emit({
      type: 'gate.approved',
      status: 'already_approved',
      message: 'plan unchanged since approval',
      data: { token: data.gate_token, plan_hash: hash },
    });
  } else {
    const message = renderGateMessage(run.state.run_id, hash, rows);
    // An agent has no terminal: its release also waits on the dashboard, where a person approves.
    const channels: GateChannel[] = [...cfg.channels, ...(req.caller === 'agent' ? (['dashboard'] as const) : [])];
    try {
      const slack: GateFactory = async () =>
        (await import('../adapters/gate/slack.js')).slackGateFromConfig(io.loaded.config.notify, cfg, {
          env: io.loaded.env,
          log: (m) => run.log.info(m),
        });
      const dashboard: GateFactory = async () =>
        new (await import('../adapters/gate/dashboard.js')).DashboardGate(io.engine.stateDir, (m) => run.log.info(m));
      const factories = { slack, dashboard, ...io.gate?.factories };
      let gates;
      try {
        gates = await selectGates(channels, {
          runId: run.state.run_id,
          ...(io.gate?.tty ? { tty: io.gate.tty } : {}),
          factories,
        });
      } catch (e) {
        run.emit({ type: 'gate.requested', message, data: { plan_hash: hash, channels: [] } });
        throw e;
      }
      const timeoutMs = cfg.timeout_minutes * 60_000;
      const open = gates.map((g) => g.channel);
      // Saved before the wait: the run is listed (and its page shows it waiting) while people decide.
      await run.save();
      run.emit({
        type: 'gate.requested',
        message,
        data: {
          plan_hash: hash,
          channels: open,
          approvers: cfg.approvers,
          timeout_at: new Date(Date.now() + timeoutMs).toISOString(),
        },
      });
      const decision = await raceGates(
        gates,
        {
          runId: run.state.run_id,
          planHash: hash,
          message,
          timeoutMs,
          plan: rows.map((r) => ({
            package: r.package,
            tier: r.tier,
            current: r.current,
            new: r.new,
            bump: r.bump,
            commits: r.commits,
            status: r.status,
          })),
          channels: open,
          approvers: [...cfg.approvers],
        },
        run.signal,
      );
      data.gate_token = decision.token;
      data.gate_plan_hash = hash;
      run.emit({
        type: 'gate.approved',
        status: decision.channel,
        message: `via ${decision.channel}${decision.by ? ` by ${decision.by}` : ''} (token ${decision.token})`,
        data: { token: decision.token, plan_hash: hash, by: decision.by ?? null, channel: decision.channel },
      });
    } catch (e) {
      const err = e as FerryError;
      run.emit({
        type: 'gate.rejected',
        status: err.code ?? 'error',
        message: err.message,
        data: { code: err.code ?? null, ...(err.details ?? {}) },
      });
      throw e;
    }
  }
  await run.save();
}

function releaseDeps(io: ReleaseIo, fallbackExec: Exec): ReleaseDeps {
  const cfg = io.loaded.config.release;
  const cache = new Map<string, Registry>();
  return {
    cfg,
    home: io.engine.stateDir,
    forge: (exec) => createForge(cfg.forge, { exec: exec ?? fallbackExec, env: io.loaded.env }),
    registry: async (key, exec) => {
      const hit = cache.get(key);
      if (hit) return hit;
      const rc = io.loaded.config.registries[key];
      if (!rc)
        throw new FerryError(
          ErrorCode.CONFIG_INVALID,
          `publish: ${key} names no entry under registries: in ${io.loaded.path}`,
          { fix: `add registries.${key} to ${io.loaded.path}` },
        );
      const r = createRegistry(rc, io.loaded.env, { exec });
      cache.set(key, r);
      return r;
    },
  };
}

async function runPreflight(
  io: ReleaseIo,
  exec: Exec,
  deps: ReleaseDeps,
  rows: readonly PlanRow[],
  packages: readonly ReleasePackage[],
  refs: ReadonlyMap<string, string>,
): Promise<void> {
  await preflight({
    rows,
    packages,
    cfg: io.loaded.config.release,
    exec,
    registry: (key) => deps.registry(key, exec),
    python: (key) => {
      const rc = io.loaded.config.registries[key];
      return pythonBinary(rc?.kind === 'pypi' ? rc : {});
    },
    refOf: (p) => refs.get(p.repoDir) ?? 'HEAD',
    log: io.note,
    memo: {
      dir: join(io.engine.stateDir, 'preflight'),
      salt: JSON.stringify({ registries: io.loaded.config.registries, release: io.loaded.config.release }),
    },
  });
}

/** `ferry release --recover`: upload what ferry tagged but never uploaded; nothing else changes. */
async function recover(
  list: readonly Unpublished[],
  pkgs: readonly ReleasePackage[],
  io: ReleaseIo,
  r: {
    runId: string;
    hash: string;
    rows: PlanRow[];
    deps: ReleaseDeps;
    git: Git;
    options: { skip_registry_wait: boolean; registry_timeout_minutes: number };
  },
): Promise<ReleaseOutcome> {
  const result = buildResult({ runId: r.runId, planHash: r.hash, rows: r.rows, data: null, dryRun: io.engine.dryRun });
  if (list.length === 0) {
    io.print('--recover: every version ferry tagged is on its registry; nothing to recover');
    return { result, exitCode: 0, resultPath: null };
  }
  if (io.engine.dryRun) {
    io.print(
      `--recover would publish from their tags: ${describeUnpublished(list)} (a detached worktree of each tag, build, upload unless the registry has it); nothing was changed`,
    );
    return { result, exitCode: 0, resultPath: null };
  }
  const lock = await lockReleaseRepos(
    [...new Set(pkgs.filter((p) => list.some((u) => u.package === p.name)).map((p) => p.repoDir))],
    r.runId,
    io.loaded.workspaceDir,
  );
  try {
    const done = await recoverUnpublished(
      list,
      pkgs,
      { registry: (key) => r.deps.registry(key, io.exec ?? defaultExec), note: io.note },
      {
        home: io.engine.stateDir,
        git: r.git,
        skipWait: r.options.skip_registry_wait,
        timeoutMinutes: r.options.registry_timeout_minutes,
        log: io.print,
      },
    );
    for (const d of done)
      io.print(
        `recovered ${d.package} ${d.version}: ${d.publish === 'uploaded' ? 'uploaded' : 'already on the registry with the same files, skipped'}`,
      );
    return { result, exitCode: 0, resultPath: null };
  } finally {
    await lock.release();
  }
}
