import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('pins')
    .description('rewrite package pins in a Dockerfile (pkg==X in RUN pip/uv pip install lines, ARG <PKG>_VERSION=X)')
    .requiredOption(
      '--versions <list>',
      'comma-separated pkg=version pairs, e.g. omniintelligence=0.8.0,omninode-claude=0.4.0',
    )
    .requiredOption('--dockerfile <file>', 'the Dockerfile to edit')
    .option('--allow-unmatched', 'report packages with no pin as matched:false instead of failing with PIN_UNMATCHED')
    .option('--dry-run', 'print what would change; write nothing')
    .addHelpText(
      'after',
      `
Prints \`  pkg: from -> to\` per package on stderr and the {pkg: {from, to, matched}} JSON as the last stdout line.

Examples:
  ferry pins --versions omniintelligence=0.8.0,omninode-claude=0.4.0 --dockerfile docker/Dockerfile.runtime
  ferry pins --versions omnimemory=0.6.1 --dockerfile Dockerfile --dry-run`,
    )
    .action(async (o: { versions: string; dockerfile: string; allowUnmatched?: boolean; dryRun?: boolean }) => {
      const { applyPins } = await import('../redeploy/pins-apply.js');
      const { resolve } = await import('node:path');
      const { statSync } = await import('node:fs');
      const { parseVersions } = await import('../manifest/dockerfile-pins.js');
      parseVersions(o.versions, '--versions', 'ferry pins --dockerfile <file>');
      const st = statSync(resolve(ctx.cwd, o.dockerfile), { throwIfNoEntry: false });
      if (!st?.isFile()) {
        const { ErrorCode, FerryError } = await import('../errors.js');
        const what = st?.isDirectory() ? 'is a directory, not a Dockerfile' : 'no such file';
        throw new FerryError(ErrorCode.USAGE, `--dockerfile ${o.dockerfile}: ${what}`, {
          fix: `ferry pins --versions "${o.versions}" --dockerfile <path to your Dockerfile>`,
        });
      }
      const r = await applyPins({
        versions: o.versions,
        dockerfile: resolve(ctx.cwd, o.dockerfile),
        allowUnmatched: Boolean(o.allowUnmatched),
        dryRun: Boolean(o.dryRun),
      });
      for (const line of r.lines) ctx.note(line);
      if (o.dryRun)
        ctx.note(r.changed ? `[DRY RUN] ${o.dockerfile} would change` : `[DRY RUN] ${o.dockerfile} already up to date`);
      process.stdout.write(JSON.stringify(r.pins) + '\n');
    });
}
