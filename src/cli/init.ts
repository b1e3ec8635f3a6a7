import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description('discover the git repos under this directory (pyproject.toml / package.json), compute tiers, write a commented ferry.yaml')
    .option('--force', 'overwrite an existing ferry.yaml')
    .option('--dir <dir>', 'workspace directory', '.')
    .action(async (o: { force?: boolean; dir: string }) => {
      const { resolve } = await import('node:path');
      const { initWorkspace } = await import('../config/init.js');
      const r = await initWorkspace({ dir: resolve(ctx.cwd, o.dir), force: Boolean(o.force) });
      ctx.result(r);
      ctx.print(`wrote ${r.configPath} (${r.packages.length} packages in ${r.tiers.length} tiers)`);
      r.tiers.forEach((names, i) => ctx.print(`  tier ${i + 1}: ${names.join(', ')}`));
      for (const w of r.warnings) ctx.note(`warning: ${w}`);
      if (r.packages.length === 0) ctx.note(`warning: no git repos with pyproject.toml or package.json found under ${o.dir}; add packages to ferry.yaml by hand or run init from your workspace root`);
      if (r.gitignore.added) ctx.print(`added .ferry/ to ${r.gitignore.path}`);
      ctx.print('next: ferry config check && ferry release --dry-run');
    });
}
