import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('self-deploy <service>')
    .description(
      'deploy the service that runs ferry: approval gate (A), detached host hook (B); `ferry finalize` (C) writes the verdict',
    )
    .option('--env <env>', 'target environment', 'production')
    .option('--image <ref>', 'SOURCE_IMAGE to promote (default: the image id the staging service runs)')
    .option(
      '--gate-attestation <token>',
      'approval without a terminal: <ts>:<run_id>, <ts> the approval time as seconds.microseconds (e.g. 1740312612.000100)',
    )
    .option('--run-id <id>', 'run id (default: self-deploy-YYYYMMDD-<hex>)')
    .option('--resume <run_id>', 'continue an approval-pending self-deploy')
    .option('--dry-run', 'print phases A/B/C and change nothing')
    .addHelpText(
      'after',
      `
Examples:
  ferry self-deploy orchestrator                       ask for approval, then launch the detached hook
  ferry self-deploy orchestrator --gate-attestation 1740312612.000100:self-deploy-20260606-1a2b3c
  ferry finalize orchestrator --wait-seconds 120       Phase C: write the verdict from the hook's exit code`,
    )
    .action(
      async (
        service: string,
        o: { env: string; image?: string; gateAttestation?: string; runId?: string; resume?: string; dryRun?: boolean },
      ) => {
        const { selfDeployCommand } = await import('../promote/commands.js');
        const loaded = await ctx.config();
        const engine = await ctx.engine({ dryRun: Boolean(o.dryRun) });
        try {
          const { result, exitCode } = await selfDeployCommand(
            { loaded, home: await ctx.home({ needConfig: true }), dryRun: Boolean(o.dryRun), engine },
            service,
            {
              ...o,
              interactive: ctx.interactive(),
              ferryArgv: [process.execPath, process.argv[1] ?? 'ferry'],
            },
          );
          await engine.renderer.flush?.();
          ctx.result(result);
          if (result.status !== 'dry_run') {
            ctx.print(
              `self-deploy ${result.run_id}: ${result.status}${result.pid ? ` (hook pid ${result.pid}, log ${result.log_file})` : ''}`,
            );
            ctx.print(`next: ${result.finalize}`);
          }
          process.exitCode = exitCode;
        } finally {
          await engine.renderer.flush?.();
        }
      },
    );
}
