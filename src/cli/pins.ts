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
    .option('--allow-downgrade', 'allow a pin to go down (refused by default: PIN_CONFLICT naming the line)')
    .option(
      '--range-pins <mode>',
      'range pins (>=0.8,<2  ~=0.7): exact rewrites them to ==new (default); floor keeps the range with new as its lower bound',
      'exact',
    )
    .option('--dry-run', 'print every pin change (file:line, before -> after); write nothing')
    .addHelpText(
      'after',
      `
Prints \`  pkg: from -> to\` per package on stderr and the {pkg: {from, to, matched}} JSON as the last stdout line.
Range pins are understood (PEP 440): a version above a range's upper bound, or lower than the pin, is
PIN_CONFLICT naming the line (exit 2, nothing written).

Examples:
  ferry pins --versions omniintelligence=0.8.0,omninode-claude=0.4.0 --dockerfile docker/Dockerfile.runtime
  ferry pins --versions omnimemory=0.6.1 --dockerfile Dockerfile --dry-run`,
    )
    .action(
      async (o: {
        versions: string;
        dockerfile: string;
        allowUnmatched?: boolean;
        allowDowngrade?: boolean;
        rangePins: string;
        dryRun?: boolean;
      }) => {
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
        if (o.rangePins !== 'exact' && o.rangePins !== 'floor') {
          const { ErrorCode, FerryError } = await import('../errors.js');
          throw new FerryError(
            ErrorCode.USAGE,
            `--range-pins ${JSON.stringify(o.rangePins)}: expected exact or floor`,
            {
              fix: `ferry pins --versions "${o.versions}" --dockerfile ${o.dockerfile} --range-pins floor`,
            },
          );
        }
        const r = await applyPins({
          versions: o.versions,
          dockerfile: resolve(ctx.cwd, o.dockerfile),
          label: o.dockerfile,
          allowUnmatched: Boolean(o.allowUnmatched),
          allowDowngrade: Boolean(o.allowDowngrade),
          rangePins: o.rangePins,
          dryRun: Boolean(o.dryRun),
        });
        for (const line of r.lines) ctx.note(line);
        if (o.dryRun) {
          const { formatPinEdits } = await import('../manifest/dockerfile-pins.js');
          ctx.note(
            r.changed ? `[DRY RUN] ${o.dockerfile} would change:` : `[DRY RUN] ${o.dockerfile} already up to date`,
          );
          for (const l of formatPinEdits(r.edits, o.dockerfile)) ctx.note(l);
        }
        process.stdout.write(JSON.stringify(r.pins) + '\n');
      },
    );
}
