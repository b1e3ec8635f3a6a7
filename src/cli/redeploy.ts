import type { Command } from 'commander';
import type { CliContext } from './context.js';

interface RedeployFlags {
  versions?: string;
  versionsFrom?: string;
  skipSync?: boolean;
  skipDockerfileUpdate?: boolean;
  skipSecrets?: boolean;
  skipInfisical?: boolean;
  worktreeTicket?: string;
  verifyOnly?: boolean;
  allowUnmatched?: boolean;
  allowDowngrade?: boolean;
  dryRun?: boolean;
  resume?: string;
  runId?: string;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('redeploy')
    .description('post-release runtime redeploy: SYNC ENV_CHECK WORKTREE PIN_UPDATE DEPLOY INFISICAL VERIFY NOTIFY')
    .option(
      '--versions <list>',
      'comma-separated pkg=version pins, e.g. omniintelligence=0.8.0,omninode-claude=0.4.0 (required unless --versions-from or --resume)',
    )
    .option('--versions-from <release_run_id>', 'take the versions a release run produced (its result file)')
    .option('--skip-sync', 'skip SYNC (repos already current)')
    .option('--skip-dockerfile-update', 'skip PIN_UPDATE')
    .option('--skip-secrets', 'skip the INFISICAL/SECRETS phase unconditionally')
    .option('--skip-infisical', 'alias of --skip-secrets')
    .option('--worktree-ticket <name>', 'worktree/branch name (default: the run id)')
    .option('--verify-only', 'only VERIFY the running containers against --versions; change nothing')
    .option(
      '--allow-unmatched',
      'PIN_UPDATE skips packages the Dockerfile does not pin (VERIFY then checks only the pins applied); also accepted with --resume after PIN_UNMATCHED',
    )
    .option(
      '--allow-downgrade',
      'PIN_UPDATE may move a pin to a lower version (refused by default); also accepted with --resume',
    )
    .option(
      '--dry-run',
      "print each phase's commands and every pin change (file:line); writes only the result file (status dry_run): no state, worktree, branch, Dockerfile edit or container",
    )
    .option('--resume <run_id>', 'continue a failed or interrupted run from its first phase not completed')
    .option('--run-id <id>', 'use this run id instead of redeploy-YYYYMMDD-<hash>')
    .addHelpText(
      'after',
      `
Phases, in order: SYNC (git pull --ff-only of each repo), ENV_CHECK (redeploy.env_file + required_env),
WORKTREE (<worktree_root>/<ticket>/<repo> on branch <ticket>), PIN_UPDATE (Dockerfile pins, like
\`ferry pins\`), DEPLOY (docker build + recreate each service, or runtime.command), INFISICAL (secrets sync
when INFISICAL_ADDR is set), VERIFY (health URLs, in-container versions, image ids), NOTIFY.
State is saved after every phase (.ferry/state/redeploy/<run_id>.json); the result goes to
.ferry/results/<run_id>/redeploy.json. A failed phase exits 1 and prints \`Resume with: …\`; a resume
skips completed phases and keeps the run's versions and flags. Usage errors exit 2.

Before SYNC, the versions are checked against the infra repo's Dockerfile: a package in --versions it
does not pin (PIN_UNMATCHED, unless --allow-unmatched), a version above a range pin's upper bound or
lower than the pin (PIN_CONFLICT, unless --allow-downgrade) exits 2 with nothing changed. With
--versions-from, released packages the Dockerfile does not pin are skipped and listed as
not_in_dockerfile. Range pins (>=0.8,<2  ~=0.7) become ==new, or with redeploy.range_pins: floor keep
the range with the new version as lower bound. The result has pins_applied {pkg: {from, to}}.
A dry run writes .ferry/results/<run_id>/redeploy.json (status dry_run) and nothing else.

Examples:
  ferry redeploy --versions "omniintelligence=0.8.0,omninode-claude=0.4.0"
  ferry redeploy --versions "omniintelligence=0.8.0" --skip-sync --dry-run
  ferry redeploy --verify-only --versions "omniintelligence=0.8.0"
  ferry redeploy --resume redeploy-20260301-abc123 --versions "omniintelligence=0.8.0"
  ferry redeploy --versions-from release-20260225-a3f7b2   # packages the image does not pin: not_in_dockerfile
  ferry redeploy --resume redeploy-20260301-abc123 --allow-unmatched           # get past PIN_UNMATCHED`,
    )
    .action(async (f: RedeployFlags) => {
      const { runRedeploy } = await import('../redeploy/index.js');
      const { redeployDeps } = await import('../redeploy/wiring.js');
      const loaded = await ctx.config();
      const engine = await ctx.engine({ dryRun: Boolean(f.dryRun) });
      const outcome = await runRedeploy(
        {
          versions: f.versions,
          versionsFrom: f.versionsFrom,
          skipSync: f.skipSync,
          skipDockerfileUpdate: f.skipDockerfileUpdate,
          skipSecrets: f.skipSecrets || f.skipInfisical,
          worktreeTicket: f.worktreeTicket,
          verifyOnly: f.verifyOnly,
          allowUnmatched: f.allowUnmatched,
          allowDowngrade: f.allowDowngrade,
          resume: f.resume,
          runId: f.runId,
        },
        loaded,
        engine,
        { ...redeployDeps(loaded.config, (line) => ctx.print(line)), printAsEvents: ctx.globals().json },
      );
      await engine.renderer.flush?.();
      for (const l of outcome.errorLines) ctx.note(l);
      if (outcome.resultPath) ctx.note(`result: ${outcome.resultPath}`);
      ctx.result(outcome.result);
      process.exitCode = outcome.exitCode;
    });
}
