// `ferry redeploy` core: resolve versions and env, then run the eight seed phases on the engine
// (or print them for --dry-run), write the result file, and report failure the seed's way.
import { existsSync } from 'node:fs';

import { ErrorCode, FerryError } from '../errors.js';
import { addSecretsFromEnv } from '../util/redact.js';
import { openRun, writeResult, type EngineOptions } from '../engine/run.js';
import { timestampRunId, validateRunId } from '../engine/run-id.js';
import { loadState } from '../engine/state-store.js';
import { SAFE_ID } from '../engine/paths.js';
import type { Step, StepContext } from '../engine/types.js';
import type { FerryConfig } from '../config/schema.js';
import { resolvePath } from '../config/load.js';
import { readEnvFile } from '../adapters/secrets/env-file.js';
import { formatVersions, parseVersions } from '../manifest/dockerfile-pins.js';
import { checkPinsEarly } from './pins-early.js';
import { buildResult, describePhase, formatDryRun, projectPhases, resumeCommand, type RedeployResult } from './plan.js';
import { envCheckStep, pinUpdateStep, syncStep, worktreeStep } from './steps-prepare.js';
import { deployStep, secretsStep } from './steps-deploy.js';
import { notifyStep, verifyStep, type VerifyTiming } from './steps-verify.js';
import { versionsFromRelease } from './versions-from.js';
import {
  PHASES,
  type Phase,
  type PhaseRecord,
  type RedeployData,
  type RedeployDeps,
  type RedeployEnvContext,
  type RedeployFlags,
} from './types.js';

export type { RedeployResult } from './plan.js';
export type { RedeployData, RedeployDeps, Phase } from './types.js';

export interface RedeployOptions {
  versions?: string;
  versionsFrom?: string;
  skipSync?: boolean;
  skipDockerfileUpdate?: boolean;
  /** --skip-secrets / --skip-infisical */
  skipSecrets?: boolean;
  worktreeTicket?: string;
  verifyOnly?: boolean;
  /** PIN_UPDATE: packages the Dockerfile does not pin are reported and skipped (also on --resume). */
  allowUnmatched?: boolean;
  /** PIN_UPDATE may move a pin down (refused by default). Also accepted with --resume. */
  allowDowngrade?: boolean;
  resume?: string;
  /** Override the generated run id (tests, automation). */
  runId?: string;
}

export interface LoadedRedeployConfig {
  config: FerryConfig;
  /** Directory of ferry.yaml. */
  dir: string;
  workspaceDir: string;
  /** Process env overlaid on global env_files values. */
  env: Record<string, string>;
}

export interface RedeployOutcome {
  result: RedeployResult;
  exitCode: 0 | 1;
  /** Seed failure lines (`ERROR in …`, `Resume with: …`) for stderr. */
  errorLines: string[];
  resultPath: string | null;
}

/** Seed "Source environment": the env file's values win over the inherited environment, like `source`. */
export function sourceEnv(loaded: LoadedRedeployConfig): Record<string, string> {
  const rc = loaded.config.redeploy;
  const fromFile = rc?.env_file ? readEnvFile(resolvePath(loaded.dir, rc.env_file), { optional: true }) : {};
  const env = { ...loaded.env, ...fromFile };
  addSecretsFromEnv(env);
  return env;
}

function buildSteps(
  env: RedeployEnvContext,
  deps: RedeployDeps,
  timing: VerifyTiming,
): (data: RedeployData) => Step<RedeployData>[] {
  const d = (p: Phase) => (ctx: StepContext<RedeployData>) =>
    describePhase(p, env, ctx.data).map((text) => ({ kind: 'exec' as const, text }));
  return () => [
    syncStep(env, d('SYNC')),
    envCheckStep(env, d('ENV_CHECK')),
    worktreeStep(env, d('WORKTREE')),
    pinUpdateStep(env, d('PIN_UPDATE')),
    deployStep(env, deps, d('DEPLOY')),
    secretsStep(env, deps, d('INFISICAL')),
    verifyStep(env, deps, d('VERIFY'), timing),
    notifyStep(env, deps, d('NOTIFY')),
  ];
}

async function resolveVersions(o: RedeployOptions, stateDir: string): Promise<Record<string, string>> {
  if (o.versions && o.versionsFrom)
    throw new FerryError(ErrorCode.USAGE, 'give --versions or --versions-from, not both', {
      fix: 'ferry redeploy --versions "pkg=1.2.3"',
    });
  if (o.versions) return parseVersions(o.versions);
  if (o.versionsFrom) return versionsFromRelease(stateDir, o.versionsFrom);
  throw new FerryError(
    ErrorCode.USAGE,
    '--versions is required (comma-separated pkg=version pairs), or --versions-from <release run id>',
    {
      fix: 'ferry redeploy --versions "omniintelligence=0.8.0,omninode-claude=0.4.0"',
    },
  );
}

/**
 * A resumed run keeps the flags it started with (they decided which phases ran); a flag given on
 * --resume that the run did not have would be silently ignored, so it is refused instead.
 * --allow-unmatched is the exception (handled by the caller). Repeating the run's own flags is fine.
 */
function rejectChangedFlags(o: RedeployOptions, data: RedeployData): void {
  const given: Array<[string, boolean]> = [
    ['--skip-sync', Boolean(o.skipSync) && !data.flags.skip_sync],
    ['--skip-dockerfile-update', Boolean(o.skipDockerfileUpdate) && !data.flags.skip_dockerfile_update],
    ['--skip-infisical', Boolean(o.skipSecrets) && !data.flags.skip_secrets],
    ['--verify-only', Boolean(o.verifyOnly) && !data.flags.verify_only],
    ['--versions-from', o.versionsFrom !== undefined],
    ['--run-id', o.runId !== undefined && o.runId !== data.run_id],
    ['--worktree-ticket', o.worktreeTicket !== undefined && o.worktreeTicket !== data.worktree_ticket],
  ];
  const changed = given.filter(([, bad]) => bad).map(([flag]) => flag);
  if (!changed.length) return;
  const verify = data.flags.verify_only
    ? ''
    : ` (for that, start a new run: ferry redeploy --verify-only --versions "${formatVersions(data.versions_requested)}")`;
  throw new FerryError(
    ErrorCode.USAGE,
    `${changed.join(', ')} ${changed.length === 1 ? 'was' : 'were'} not part of ${data.run_id}; a resumed run keeps the flags it started with${changed.includes('--verify-only') ? verify : ''}`,
    {
      fix: resumeCommand(data.run_id, data.versions_requested, data.flags),
    },
  );
}

/**
 * Run (or describe) a redeploy.
 * @throws USAGE, CONFIG_INVALID, STATE_NOT_FOUND, STATE_CORRUPT, LOCKED — before any phase runs.
 * Phase failures do not throw: they come back as a failed result with the seed's error lines.
 */
export async function runRedeploy(
  o: RedeployOptions,
  loaded: LoadedRedeployConfig,
  engine: EngineOptions,
  deps: RedeployDeps,
  timing: VerifyTiming = {},
): Promise<RedeployOutcome> {
  const rc = loaded.config.redeploy;
  if (!rc)
    throw new FerryError(ErrorCode.CONFIG_INVALID, 'ferry.yaml has no `redeploy:` section', {
      fix: 'add a redeploy: section (see examples/omninode/ferry.yaml)',
    });
  const env: RedeployEnvContext = {
    config: rc,
    workspaceDir: loaded.workspaceDir,
    stateDir: engine.stateDir,
    env: sourceEnv(loaded),
    ...(rc.env_file
      ? {
          envFile: {
            path: resolvePath(loaded.dir, rc.env_file),
            exists: existsSync(resolvePath(loaded.dir, rc.env_file)),
          },
        }
      : {}),
    packageRepos: loaded.config.packages.map((p) => p.repo).filter((r): r is string => typeof r === 'string'),
  };

  let data: RedeployData;
  let resuming = false;
  if (o.resume) {
    const runId = validateRunId(o.resume, '--resume');
    const { state } = await loadState<RedeployData>(engine.stateDir, 'redeploy', runId);
    data = state.data;
    resuming = true;
    // The flags a resume may add: after PIN_UNMATCHED, "skip what the Dockerfile does not pin"; after
    // a refused downgrade, "yes, go down".
    if (o.allowUnmatched) data.flags = { ...data.flags, allow_unmatched: true };
    if (o.allowDowngrade) data.flags = { ...data.flags, allow_downgrade: true };
    if (o.versions && formatVersions(parseVersions(o.versions)) !== formatVersions(data.versions_requested)) {
      throw new FerryError(
        ErrorCode.USAGE,
        `--versions differs from the versions of ${runId} (${formatVersions(data.versions_requested)}); a resumed run keeps its versions`,
        {
          fix: resumeCommand(runId, data.versions_requested, data.flags),
        },
      );
    }
    rejectChangedFlags(o, data);
  } else {
    const versions = await resolveVersions(o, engine.stateDir);
    const runId = o.runId ? validateRunId(o.runId, '--run-id', 'redeploy') : timestampRunId('redeploy');
    const ticket = o.worktreeTicket ?? runId;
    if (!SAFE_ID.test(ticket))
      throw new FerryError(
        ErrorCode.USAGE,
        `--worktree-ticket ${JSON.stringify(ticket)}: use letters, digits, '.', '_' and '-' only`,
        { fix: '--worktree-ticket OMN-1234' },
      );
    const flags: RedeployFlags = {
      skip_sync: Boolean(o.skipSync),
      skip_dockerfile_update: Boolean(o.skipDockerfileUpdate),
      skip_secrets: Boolean(o.skipSecrets),
      verify_only: Boolean(o.verifyOnly),
      // A release produces more packages than one image pins: with --versions-from, the ones the
      // Dockerfile does not pin are listed as not_in_dockerfile instead of failing the run.
      ...(o.allowUnmatched || o.versionsFrom ? { allow_unmatched: true } : {}),
      ...(o.allowDowngrade ? { allow_downgrade: true } : {}),
    };
    data = {
      run_id: runId,
      worktree_ticket: ticket,
      worktree_path: null,
      worktree_ref: 'main',
      versions_requested: versions,
      started_at: new Date().toISOString(),
      phases: Object.fromEntries(PHASES.map((p) => [p, { status: 'pending' } satisfies PhaseRecord])) as Record<
        Phase,
        PhaseRecord
      >,
      flags,
    };
  }

  // Before SYNC touches anything: the versions must fit the Dockerfile as it is now (bad input → exit 2,
  // no worktree, no branch). PIN_UPDATE checks again on the worktree's copy.
  if (!resuming) {
    const preview = checkPinsEarly(env, data);
    if (preview) {
      env.pinPreview = preview.lines;
      if (preview.notInDockerfile.length) data.not_in_dockerfile = preview.notInDockerfile;
    }
  }

  if (deps.printAsEvents && engine.renderer) {
    const renderer = engine.renderer;
    const runId = data.run_id;
    deps = {
      ...deps,
      print: (message) =>
        renderer.event({
          ts: new Date().toISOString(),
          run_id: runId,
          pipeline: 'redeploy',
          type: 'log',
          level: 'info',
          message,
        }),
    };
  }

  if (engine.dryRun) {
    const lines = formatDryRun(
      data.run_id,
      PHASES.filter((p) => data.phases[p]?.status !== 'completed').map((p) => [p, describePhase(p, env, data)]),
    );
    for (const l of lines) deps.print(l);
    const result = buildResult(data, 'dry_run');
    const resultPath = await writeResult(engine, data.run_id, 'redeploy', result);
    deps.print(
      `[DRY RUN] wrote only ${resultPath} (status dry_run); no state file, no worktree or branch, no Dockerfile edit, no image or container touched`,
    );
    return { result, exitCode: 0, errorLines: [], resultPath };
  }

  const run = await openRun<RedeployData>(
    {
      pipeline: 'redeploy',
      runId: data.run_id,
      resume: resuming,
      data,
      buildSteps: buildSteps(env, deps, timing),
      project: projectPhases,
      resumeCommand: resumeCommand(data.run_id, data.versions_requested, data.flags),
    },
    engine,
  );
  if (resuming && o.allowUnmatched) run.state.data.flags = { ...run.state.data.flags, allow_unmatched: true };
  try {
    if (resuming) {
      const done = PHASES.filter((p) => run.state.steps[p]?.status === 'completed');
      deps.print(`Resuming ${data.run_id}: skipping completed phases [${done.join(', ')}]`);
    }
    const final = await run.execute();
    const failed = PHASES.find((p) => final.steps[p]?.status === 'failed');
    const rec = failed ? final.steps[failed] : undefined;
    const failure =
      failed && rec?.error ? { phase: failed, code: rec.error.code, message: rec.error.message } : undefined;
    const result = buildResult(final.data, failure ? 'failed' : 'success', failure);
    const resultPath = await writeResult(engine, data.run_id, 'redeploy', result);
    const errorLines = failure
      ? [`ERROR in ${failure.phase}: ${failure.message}`, `Resume with: ${result.resume}`]
      : [];
    return { result, exitCode: failure ? 1 : 0, errorLines, resultPath };
  } finally {
    await run.close();
  }
}
