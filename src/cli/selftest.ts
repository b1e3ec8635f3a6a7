// Hidden test-only command that drives the engine as a real child process.
import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function register(program: Command, ctx: CliContext): void {
  if (process.env.FERRY_TEST_COMMANDS !== '1') return;
  program
    .command('_selftest', { hidden: true })
    .requiredOption('--out <file>', 'file each step appends its id to')
    .option('--steps <n>', 'number of steps', '4')
    .option('--sleep-ms <ms>', 'sleep inside each step after its side effect', '0')
    .option('--fail-step <id>', 'step that fails until <out>.fixed exists')
    .option('--secret <value>', 'a value to log (must come out redacted)')
    .option('--run-id <id>', 'run id', 'selftest-20260101-000000')
    .option('--resume <id>', 'resume this run')
    .option('--dry-run', 'describe only')
    .action(
      async (o: {
        out: string;
        steps: string;
        sleepMs: string;
        failStep?: string;
        secret?: string;
        runId: string;
        resume?: string;
        dryRun?: boolean;
      }) => {
        const { runSelftest } = await import('../engine/selftest.js');
        const { addSecret } = await import('../util/redact.js');
        addSecret(o.secret);
        const engine = await ctx.engine({ dryRun: Boolean(o.dryRun) });
        const { result, code } = await runSelftest(
          {
            out: o.out,
            steps: Number(o.steps),
            sleepMs: Number(o.sleepMs),
            failStep: o.failStep,
            secret: o.secret,
            runId: o.resume ?? o.runId,
            resume: Boolean(o.resume),
          },
          engine,
        );
        await engine.renderer.flush?.();
        ctx.result(result);
        process.exitCode = code;
      },
    );
}
