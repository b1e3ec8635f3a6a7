// `ferry release`: parses flags (seed aliases included), calls src/release/pipeline.ts, renders.
import { Option, type Command } from 'commander';
import type { CliContext } from './context.js';

interface ReleaseFlags {
  all?: boolean;
  bump?: string;
  prerelease?: string;
  dryRun?: boolean;
  resume?: string;
  runId?: string;
  gateAttestation?: string;
  skipRegistryWait?: boolean;
  skipPreflight?: boolean;
  skipPypiWait?: boolean;
  registryTimeoutMinutes?: string;
  pypiTimeoutMinutes?: string;
  agent?: boolean;
  recover?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('release')
    .description(
      'release packages with unreleased commits in dependency-tier order: bump, pin, changelog, merge, tag, publish',
    )
    .argument('[packages...]', 'packages (or repos) to release; default: all configured')
    .option('--all', 'release every configured package (same as naming none)')
    .addOption(
      new Option('--bump <level>', 'override the inferred bump for every package').choices(['major', 'minor', 'patch']),
    )
    .option(
      '--prerelease <id>',
      'make every new version a pre-release: rc/b/a for Python (1.1.0rc1, then rc2), any id for npm (3.0.0-next.0, then next.1); a later run without it graduates (1.1.0)',
    )
    .option('--dry-run', 'print the plan table, plan hash and every command; change nothing')
    .option('--resume <run_id>', 'continue a stopped or failed run from its state file')
    .option('--run-id <id>', 'use this run id instead of release-YYYYMMDD-<hex>')
    .option(
      '--recover',
      'publish versions ferry tagged but never uploaded (a run killed after TAG whose state was lost): builds exactly the tagged commit, uploads unless already there; safe to run again',
    )
    .option('--gate-attestation <ts:run_id>', 'pre-issued approval token <slack_ts>:<run_id> instead of asking')
    .option(
      '--agent',
      'started by an AI agent: an attestation ferry cannot verify (no Slack) is refused, and the run also waits on the dashboard gate (implied by --json without a terminal, and by ferry mcp)',
    )
    .option('--skip-registry-wait', 'do not wait for the registry to serve each published version')
    .option('--skip-preflight', 'do not build the packages before the gate (for people who know what they do)')
    .addOption(new Option('--skip-pypi-wait', 'alias of --skip-registry-wait').hideHelp())
    .option('--registry-timeout-minutes <n>', 'max minutes to wait per package for the registry (default 10)')
    .addOption(new Option('--pypi-timeout-minutes <n>', 'alias of --registry-timeout-minutes').hideHelp())
    .addHelpText(
      'after',
      `
Examples:
  ferry release --dry-run                       plan table + plan hash; nothing changes
  ferry release --dry-run > plan.txt            the plan and every command it would run (stdout), in a file
  ferry release omnibase_core --bump minor      one package, forced minor bump
  ferry release                                 asks for approval (type approve), then releases tier by tier
  ferry release --resume release-20260225-a3f7b2
                                                after a failure or a kill: continue where it stopped
  ferry release --gate-attestation 1740312612.000100:release-20260225-a3f7b2
                                                pre-approved (CI, agents): no prompt; the id must be this run's
  ferry --json release --dry-run | tail -1      the plan as the result object (status DRY_RUN)

Never proceeds on silence: with no terminal and no other gate channel it stops (GATE_UNAVAILABLE).
Without Slack a --gate-attestation is checked only for its format and run id: accepted with a
warning from a person or a script, refused (INVALID_GATE_TOKEN) from an agent (--agent, ferry mcp,
or --json without a terminal). An agent's release waits for a person on the dashboard instead.
Exit codes: 0 released, dry run or nothing to release; 1 failed or partial (resume command printed);
2 bad usage, config or gate token.`,
    )
    .action(async (packages: string[], flags: ReleaseFlags) => {
      const loaded = await ctx.config();
      const { ErrorCode, FerryError } = await import('../errors.js');
      const timeout = flags.registryTimeoutMinutes ?? flags.pypiTimeoutMinutes;
      const minutes = timeout === undefined ? undefined : Number(timeout);
      if (minutes !== undefined && !(minutes > 0)) {
        throw new FerryError(
          ErrorCode.USAGE,
          `--registry-timeout-minutes ${JSON.stringify(timeout)}: expected a positive number`,
          { fix: 'ferry release --registry-timeout-minutes 10' },
        );
      }
      // An empty id is a usage error, not "no id" (a script's unset variable must not start a new run).
      for (const [flag, v] of [
        ['--resume', flags.resume],
        ['--run-id', flags.runId],
      ] as const)
        if (v !== undefined && !v.trim())
          throw new FerryError(ErrorCode.USAGE, `${flag} needs a run id; it was given an empty one`, {
            fix: flag === '--resume' ? 'ferry runs list   # then: ferry release --resume <run_id>' : 'ferry release',
          });
      if (flags.recover && (flags.resume || flags.bump || flags.prerelease))
        throw new FerryError(
          ErrorCode.USAGE,
          '--recover publishes what is already tagged: no --resume, --bump or --prerelease',
          {
            fix: 'ferry release --recover',
          },
        );
      if (flags.resume && flags.runId && flags.resume !== flags.runId) {
        throw new FerryError(ErrorCode.USAGE, '--resume and --run-id name different runs', {
          fix: `ferry release --resume ${flags.resume}`,
        });
      }
      const engine = await ctx.engine({ dryRun: Boolean(flags.dryRun) });
      const { runRelease } = await import('../release/pipeline.js');
      const skip = flags.skipRegistryWait || flags.skipPypiWait ? true : undefined;
      const interactive = ctx.interactive();
      const caller = flags.agent || (ctx.globals().json && !interactive) ? 'agent' : interactive ? 'person' : 'script';
      const out = await runRelease(
        {
          packages,
          all: Boolean(flags.all),
          dryRun: Boolean(flags.dryRun),
          ...(flags.bump ? { bump: flags.bump } : {}),
          ...(flags.prerelease ? { prerelease: flags.prerelease } : {}),
          ...(flags.resume ? { resume: flags.resume } : {}),
          ...(flags.recover ? { recover: true } : {}),
          ...(flags.runId ? { runId: flags.runId } : {}),
          ...(flags.gateAttestation !== undefined ? { gateAttestation: flags.gateAttestation } : {}),
          ...(skip ? { skipRegistryWait: true } : {}),
          ...(flags.skipPreflight ? { skipPreflight: true } : {}),
          ...(minutes !== undefined ? { registryTimeoutMinutes: minutes } : {}),
          caller,
        },
        {
          loaded,
          engine,
          print: (t) => ctx.print(t),
          note: (t) => ctx.note(t),
          gate: { tty: { isTTY: ctx.interactive() && !ctx.globals().json } },
        },
      );
      await engine.renderer.flush?.();
      ctx.result(out.result);
      if (out.exitCode !== 0) process.exitCode = out.exitCode;
    });
}
