import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function register(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('inspect and validate ferry.yaml');
  config
    .command('check')
    .description('validate ferry.yaml (every problem with file:line and key) and print the package tiers')
    .action(async () => {
      const loaded = await ctx.config();
      const { configuredGraph } = await import('../config/discover.js');
      const { graph, warnings } = configuredGraph(loaded);
      ctx.result({ ok: true, path: loaded.path, tiers: graph.tiers, warnings });
      ctx.print(`${loaded.path}: ok (${graph.names.length} packages in ${graph.tiers.length} tiers)`);
      graph.tiers.forEach((names, i) => ctx.print(`  tier ${i + 1}: ${names.join(', ')}`));
      for (const w of warnings) ctx.note(`warning: ${w}`);
    });
}
