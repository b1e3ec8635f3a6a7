import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('stage <service>')
    .description('run the staging check inside the staging container and write the verdict (staging_status: SUCCESS|FAILED)')
    .option('--env <env>', 'environment whose container runs the check', 'staging')
    .option('--run-id <id>', 'run id (default: stage-YYYYMMDD-<hex>)')
    .option('--dry-run', 'print what would run and change nothing')
    .action(async (service: string, o: { env: string; runId?: string; dryRun?: boolean }) => {
      const { stageCommand } = await import('../promote/commands.js');
      const loaded = await ctx.config();
      const { result, exitCode } = await stageCommand({ loaded, home: await ctx.home({ needConfig: true }), dryRun: Boolean(o.dryRun) }, service, o);
      ctx.result(result);
      if (result.status === 'dry_run') result.plan.forEach((l) => ctx.print(`  would: ${l}`));
      else {
        ctx.print(`${service} (${o.env}) staging_status: ${result.status}  image ${result.image_id}  exit ${result.exit_code}`);
        if (result.status === 'FAILED' && result.output) ctx.print(result.output.split('\n').slice(-20).join('\n'));
        ctx.print(`verdict: ${result.verdict}`);
      }
      process.exitCode = exitCode;
    });
}
