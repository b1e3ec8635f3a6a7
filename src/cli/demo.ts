import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description(
      'the whole loop on a built-in 6-package Python ecosystem, in a temp dir: release, redeploy into staging, stage, promote',
    )
    .option('--keep', 'leave the demo directory behind for inspection')
    .addHelpText(
      'after',
      `
What it does: builds the seeds' 6-repo Python ecosystem (spi → core → infra, intelligence, memory →
claude) with bare git remotes and a local package index in a temp dir, shows \`ferry release --dry-run\`,
then releases it for real (gate, live progress, summary) and checks the remotes and the index. With
Docker (and a static busybox), it then redeploys the released versions into a staging container
(a FROM-scratch image, no registry), runs the staging check, promotes the tested image to production
and checks with docker inspect that production runs it. Without Docker it says so and stops after
the release half (exit 0).

Examples:
  ferry demo
  ferry demo --keep      then look at the repos, tags and .ferry/ (state, events, results)`,
    )
    .action(async (o: { keep?: boolean }) => {
      const { runDemo } = await import('../demo/index.js');
      process.exitCode = await runDemo({
        keep: Boolean(o.keep),
        ferry: [process.execPath, process.argv[1]!],
        interactive: ctx.interactive(),
        color: ctx.globals().color,
        json: ctx.globals().json,
        print: (t) => ctx.print(t),
        result: (r) => ctx.result(r),
      });
    });
}
