import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { plural } from '../util/text.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .description(
      'discover the git repos under this directory (pyproject.toml / package.json), compute tiers, write a commented ferry.yaml',
    )
    .option('--force', 'overwrite an existing ferry.yaml')
    .option('--dir <dir>', 'workspace directory holding the repos (ferry.yaml is written there)', '.')
    .addHelpText(
      'after',
      `
Looks for git repos up to two directory levels below --dir; every package found becomes a packages: entry with its tier
(tier 1 = no internal dependencies). Also adds .ferry/ (run state) to the workspace .gitignore.

Examples:
  ferry init                   the repos under this directory
  ferry init --dir ~/code/omni another workspace
  ferry init --force           rewrite ferry.yaml after adding or removing repos`,
    )
    .action(async (o: { force?: boolean; dir: string }) => {
      const { resolve } = await import('node:path');
      const { statSync } = await import('node:fs');
      const { initWorkspace } = await import('../config/init.js');
      const dir = resolve(ctx.cwd, o.dir);
      // The shared discovery error talks about `workspace:` in ferry.yaml, which init has not written yet.
      if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
        const { ErrorCode, FerryError } = await import('../errors.js');
        throw new FerryError(ErrorCode.USAGE, `--dir ${JSON.stringify(o.dir)}: no such directory (${dir})`, {
          fix: 'ferry init --dir <the directory that holds your repos>',
        });
      }
      const r = await initWorkspace({ dir, force: Boolean(o.force) });
      ctx.result(r);
      ctx.print(`wrote ${r.configPath} (${plural(r.packages.length, 'package')} in ${plural(r.tiers.length, 'tier')})`);
      r.tiers.forEach((names, i) => ctx.print(`  tier ${i + 1}: ${names.join(', ')}`));
      for (const w of r.warnings) ctx.note(`warning: ${w}`);
      if (r.gitignore.added) ctx.print(`added .ferry/ to ${r.gitignore.path}`);
      ctx.print('next: ferry config check && ferry release --dry-run');
    });
}
