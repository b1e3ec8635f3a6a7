import { Option, type Command } from 'commander';
import type { CliContext } from './context.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('promote <service>')
    .description(
      'promote the staging-verified image to an environment: retag (no build), recreate, health loop, rollback; exit 0 healthy / 1 failed before the switch / 2 rolled back',
    )
    .option('--env <env>', 'target environment; required (nothing touches production implicitly)')
    .option('--image <ref>', 'SOURCE_IMAGE to promote (default: the image id the staging service runs)')
    .option('--run-id <id>', 'run id (default: promote-YYYYMMDD-<hex>)')
    .option(
      '--resume <run_id>',
      'continue an interrupted promote from its first step not done (it can still roll back)',
    )
    // Plumbing ferry passes to itself (the self-deploy hook; each step of a promote over ssh): hidden from --help.
    .addOption(
      new Option(
        '--hook-mode',
        'run as the self-deploy hook: no verdict (ferry finalize writes it), exit code is the contract',
      ).hideHelp(),
    )
    .addOption(
      new Option(
        '--hook-step <step>',
        "on a service's host, for a remote promote over ssh: run one runtime step (current, image-id, identity, retag, runs, switch, health, rollback) and print it as one JSON line",
      ).hideHelp(),
    )
    .addOption(
      new Option(
        '--auto-rolled-back',
        'with --hook-step rollback: the runtime already rolled back by itself (swarm)',
      ).hideHelp(),
    )
    .option('--dry-run', "print each step's intents and change nothing")
    .addHelpText(
      'after',
      `
Examples:
  ferry promote api --env production      promote the image staging verified (SUCCESS) to production
  ferry promote api --env production --dry-run
  ferry promote api --env production --image sha256:4f1c…   an image staging verified earlier (SUCCESS for that id)
  ferry promote api --env production --resume promote-20260606-1a2b3c

Refuses unless the latest staging verdict is SUCCESS for the same image id (STAGING_FAILED / STAGING_STALE).
A service with \`host:\` is promoted over ssh (each runtime step runs there); a \`self: true\` service only by ferry self-deploy.`,
    )
    .action(
      async (
        service: string,
        o: {
          env?: string;
          image?: string;
          runId?: string;
          resume?: string;
          hookMode?: boolean;
          hookStep?: string;
          autoRolledBack?: boolean;
          dryRun?: boolean;
        },
      ) => {
        const { promoteCommand, hookStepCommand } = await import('../promote/commands.js');
        const loaded = await ctx.config();
        if (o.hookStep !== undefined) {
          // Stateless: no engine run, no state dir; the controller's run (over ssh) persists the step.
          const answer = await hookStepCommand({ loaded, home: '', dryRun: Boolean(o.dryRun) }, service, {
            env: o.env,
            step: o.hookStep,
            image: o.image,
            autoRolledBack: o.autoRolledBack,
          });
          process.stdout.write(JSON.stringify(answer) + '\n');
          return;
        }
        const engine = await ctx.engine({ dryRun: Boolean(o.dryRun) });
        try {
          const { result, exitCode } = await promoteCommand(
            {
              loaded,
              home: await ctx.home({ needConfig: true }),
              dryRun: Boolean(o.dryRun),
              engine,
              log: (l) => ctx.note(l),
            },
            service,
            o,
          );
          await engine.renderer.flush?.();
          ctx.result(result);
          if (result.status !== 'dry_run') {
            ctx.print(
              `${service} → ${result.environment}: deploy_status ${result.status} (exit ${result.exit_code})  ${result.source_image_id ?? ''}`,
            );
            if (result.detail) ctx.print(`  ${result.detail}`);
            if (result.error)
              ctx.note(
                `error[${result.error.code}]: ${result.error.message}${result.error.fix ? `\n  fix: ${result.error.fix}` : ''}`,
              );
            if (result.verdict) ctx.print(`verdict: ${result.verdict}`);
          }
          process.exitCode = exitCode;
        } finally {
          await engine.renderer.flush?.();
        }
      },
    );
}
