import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function register(program: Command, ctx: CliContext): void {
  const config = program.command('config').description('inspect and validate ferry.yaml');
  config
    .command('check')
    .description('validate ferry.yaml (every problem with file:line and key) and print the package tiers')
    .action(async () => {
      const loaded = await ctx.config();
      ctx.result({ ok: true, path: loaded.path, packages: loaded.config.packages.length });
      ctx.print(`${loaded.path}: ok (${loaded.config.packages.length} packages)`);
    });
}
