import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { nonNegativeInt } from './parse.js';
import type { FinalizeResult } from '../promote/finalize.js';
import type { FinalizeCliResult } from '../promote/result-schemas.js';

/** The human lines for one finalize result: status, exit code (once), verdict, and what to run when still pending. */
export function finalizeLines(r: FinalizeResult, env: string): string[] {
  const code =
    r.hook_exit_code !== null && !r.detail.startsWith(`hook exit ${r.hook_exit_code}`)
      ? ` (hook exit ${r.hook_exit_code})`
      : '';
  const lines = [`${r.service} ${r.run_id ?? ''}: ${r.status}${code}${r.detail ? ` — ${r.detail}` : ''}`];
  if (r.verdict) lines.push(`verdict: ${r.verdict}`);
  if (r.status === 'pending')
    lines.push(`next: ferry finalize ${r.service} --env ${env} --run-id ${r.run_id ?? ''} --wait-seconds 120`);
  return lines;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('finalize [service]')
    .description(
      'self-deploy Phase C: read the hook exit code (0 → SUCCESS, else FAILED), write the deploy verdict, roll back on FAILED',
    )
    .option('--env <env>', 'environment', 'production')
    .option('--run-id <id>', 'the self-deploy run (default: the pending one)')
    .option(
      '--wait-seconds <n>',
      'wait for a still-running hook to record its exit code (local: while its pid lives; host: by its exit-code file)',
      nonNegativeInt,
      0,
    )
    .option('--dry-run', 'print what would be recorded and change nothing')
    .addHelpText(
      'after',
      `
Examples:
  ferry finalize                          finalize every self service with a pending self-deploy
  ferry finalize orchestrator --wait-seconds 120
  ferry finalize orchestrator --run-id self-deploy-20260606-1a2b3c --dry-run`,
    )
    .action(
      async (
        service: string | undefined,
        o: { env: string; runId?: string; waitSeconds: number; dryRun?: boolean },
      ) => {
        const { finalizeCommand } = await import('../promote/commands.js');
        const loaded = await ctx.config();
        const engine = await ctx.engine({ dryRun: Boolean(o.dryRun) });
        try {
          const { results, exitCode } = await finalizeCommand(
            { loaded, home: await ctx.home({ needConfig: true }), dryRun: Boolean(o.dryRun), engine },
            service,
            o,
          );
          await engine.renderer.flush?.();
          // Upper case like the per-service statuses and the seed's verdicts (schema/finalize-result.schema.json).
          const out: FinalizeCliResult = {
            skill: 'finalize',
            status: exitCode === 0 ? 'SUCCESS' : 'FAILED',
            run_id: results
              .map((r) => r.run_id)
              .filter(Boolean)
              .join(','),
            results,
          };
          ctx.result(out);
          if (results.length === 0) ctx.print('nothing to finalize');
          for (const r of results) for (const line of finalizeLines(r, o.env)) ctx.print(line);
          process.exitCode = exitCode;
        } finally {
          await engine.renderer.flush?.();
        }
      },
    );
}
