import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliContext } from './context.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('mcp')
    .description(
      'serve ferry to AI agents over the Model Context Protocol (stdio): plan, release, redeploy, deploy, runs',
    )
    .addHelpText(
      'after',
      `
Tools: ferry_runs_list, ferry_run_show, ferry_config_check, ferry_release_plan (read-only);
ferry_release, ferry_redeploy, ferry_deploy (change things). An agent cannot approve a release:
ferry_release starts the run and returns status "waiting_for_approval" with an approve_url on
the dashboard (run ferry dashboard beside it); a person approves there (or in Slack / at a
terminal when configured). A made-up gate_attestation is refused unless Slack verifies it.
Long runs continue in the background after wait_seconds (default 45); the call then returns
status "running" with the run id to follow with ferry_run_show.
Every result is in structuredContent (the CLI's --json result; schemas in schema/).
A call may name dir/config of another workspace inside a directory given with --allow.

Examples:
  ferry mcp                                   serve the ferry.yaml found from here, on stdin/stdout
  ferry --config ~/code/ferry.yaml mcp        a fixed config, whatever the client's working dir
  ferry mcp --allow ~/code --allow ~/ops      calls may pick any workspace under these (dir / config)
  # register it with an MCP client (JSON config):
  #   { "mcpServers": { "ferry": { "command": "ferry", "args": ["--config", "/home/me/code/ferry.yaml", "mcp"] } } }`,
    )
    .option('--allow <dir...>', 'directories a call may name as dir/config (default: the working directory)')
    .option(
      '--dashboard-url <url>',
      'where people approve, when no running ferry dashboard says so',
      'http://127.0.0.1:4700',
    )
    .action(async (o: { allow?: string[]; dashboardUrl: string }) => {
      const { runMcpServer } = await import('../server/mcp.js');
      const g = ctx.globals();
      const globalArgs = [
        ...(g.config ? ['--config', g.config] : []),
        ...(g.stateDir ? ['--state-dir', g.stateDir] : []),
      ];
      await runMcpServer({
        ferry: [process.execPath, process.argv[1]!],
        cwd: ctx.cwd,
        globalArgs,
        version: ctx.version,
        allow: (o.allow ?? []).map((d) => resolve(ctx.cwd, d)),
        dashboardUrl: o.dashboardUrl,
      });
    });
}
