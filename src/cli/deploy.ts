// `ferry deploy`: change-aware deploy (seed deployment-agent.md). Parses flags, calls
// src/deploy/run-deploy.ts, renders; no logic here.
import { Option, type Command } from 'commander';
import type { CliContext } from './context.js';

interface DeployFlags {
  dryRun?: boolean;
  yes?: boolean;
  runId?: string;
  action?: 'redeploy' | 'rebuild' | 'restart' | 'start' | 'status';
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('deploy')
    .description(
      'change-aware deploy: analyse local changes, config repos and running services, then run the one action they need',
    )
    .option('--dry-run', 'print the analysis, the decision and every command; change nothing')
    .option('-y, --yes', 'accept a rebuild or full restart without asking (needed when not on a terminal)')
    .option('--run-id <id>', 'use this run id instead of deploy-YYYYMMDD-<hex>')
    .addOption(
      new Option(
        '--action <action>',
        'run this action whatever changed ("just rebuild"); rebuild and restart still ask (or need --yes)',
      ).choices(['redeploy', 'rebuild', 'restart', 'start', 'status']),
    )
    .addHelpText(
      'after',
      `
Decides exactly one action from what changed since the last deploy (.ferry/last-deploy.json):
  a config repo has new commits          → rebuild       (asks)  build image, recreate services
  local config dir / Dockerfile /
    requirements / pyproject changed     → rebuild       (asks)
  .env changed                           → full restart  (asks)  restart services
  code changed                           → redeploy      (auto)  restart services
  services down or health checks fail    → start         (auto)  start stopped containers
  nothing changed                        → status only
When several apply, the strongest wins. Reasons name the files and the config repos' commit
subjects. Rebuild and full restart ask on a terminal and need --yes otherwise.
--action redeploy|rebuild|restart|start|status skips the decision and runs that action (the
analysis is still shown); restart is the full restart. Confirmation follows the action.

Configure it in the deploy: section of ferry.yaml: paths (glob → code/config/build/env/ignore),
config_repos, runtime (docker image + service containers, for the built-in actions above),
actions (commands instead, e.g. [just, orb-deploy]), checks (HTTP URLs). A full example:
examples/seed-deploy/ferry.yaml. Check it with: ferry config check

Exit codes: 0 deployed (or nothing to do); 1 a step failed, or a rebuild / full restart was not
confirmed (then nothing changed); 2 usage or config error.

Examples:
  ferry deploy --dry-run     what changed, the decision and its reasons, the commands; change nothing
  ferry deploy               deploy; asks before a rebuild or full restart
  ferry deploy --action rebuild --yes   rebuild the image and recreate the services now
  ferry deploy --yes --json  non-interactive (CI, agents): the result object as the last line`,
    )
    .action(async (flags: DeployFlags) => {
      const loaded = await ctx.config();
      const { ErrorCode, FerryError } = await import('../errors.js');
      const deploy = loaded.config.deploy;
      if (!deploy) {
        throw new FerryError(ErrorCode.CONFIG_INVALID, `${loaded.path} has no deploy: section`, {
          fix: 'add a deploy: section to ferry.yaml (see examples/seed-deploy/ferry.yaml)',
        });
      }
      const { validateRunId } = await import('../engine/run-id.js');
      const runId = flags.runId ? validateRunId(flags.runId, '--run-id', 'deploy') : undefined;
      const engine = await ctx.engine({ dryRun: Boolean(flags.dryRun) });
      const { runDeploy } = await import('../deploy/run-deploy.js');
      const out = await runDeploy({
        config: deploy,
        configDir: loaded.dir,
        engine,
        yes: Boolean(flags.yes),
        interactive: ctx.interactive() && !ctx.globals().json,
        runId,
        ...(flags.action ? { action: flags.action } : {}),
        print: (text) => ctx.print(text),
      });
      await engine.renderer.flush?.();
      ctx.result(out.result);
      // The report on stdout explains; stderr gets the one-line error and the command that fixes it.
      const err = out.result.error;
      if (err) ctx.note(`error[${err.code}]: ${oneLine(err.message)}${err.fix ? `\n  fix: ${err.fix}` : ''}`);
      if (out.exitCode !== 0) process.exitCode = out.exitCode;
    });
}

/** "cmd exited 4: <cause>\n<output tail>" → its first line; an older "cmd exited 4:\n<tail>" → "cmd exited 4: <last line>". */
function oneLine(message: string): string {
  const [first = '', ...rest] = message.split('\n');
  const last = rest
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1);
  return first.endsWith(':') && last ? `${first} ${last}` : first;
}
