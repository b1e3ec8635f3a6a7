import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('stage <service>')
    .description(
      'run the staging check inside the staging container and write the verdict (staging_status: SUCCESS|FAILED)',
    )
    .option('--env <env>', 'environment whose container runs the check', 'staging')
    .option('--run-id <id>', 'run id (default: stage-YYYYMMDD-<hex>)')
    .option('--resume <run_id>', 'continue an interrupted or failed stage run from its first step not done')
    .option('--dry-run', "print each step's intents and change nothing")
    .addHelpText(
      'after',
      `
Examples:
  ferry stage api                         run the staging check in the staging container, write 15-staging-log.md
  ferry stage api --dry-run               show what it would run
  ferry stage api --resume stage-20260606-1a2b3c`,
    )
    .action(async (service: string, o: { env: string; runId?: string; resume?: string; dryRun?: boolean }) => {
      const { stageCommand } = await import('../promote/commands.js');
      const loaded = await ctx.config();
      const engine = await ctx.engine({ dryRun: Boolean(o.dryRun) });
      try {
        const { result, exitCode } = await stageCommand(
          { loaded, home: await ctx.home({ needConfig: true }), dryRun: Boolean(o.dryRun), engine },
          service,
          o,
        );
        await engine.renderer.flush?.();
        ctx.result(result);
        if (result.status !== 'dry_run') {
          ctx.print(
            `${service} (${result.environment}) staging_status: ${result.status}  image ${result.image_id}  ${result.exit_code === -1 ? 'check did not complete' : `exit ${result.exit_code}`}`,
          );
          if (result.status === 'FAILED' && result.output) ctx.print(result.output.split('\n').slice(-20).join('\n'));
          ctx.print(`verdict: ${result.verdict}`);
        }
        process.exitCode = exitCode;
      } finally {
        await engine.renderer.flush?.();
      }
    });
}
