import type { Command } from 'commander';
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
ferry_release, ferry_redeploy, ferry_deploy (change things). ferry_release needs a gate
attestation <slack_ts>:<run_id> from a human's approval: an agent cannot approve a release.
Long runs continue in the background after wait_seconds (default 45); the call then returns
status "running" with the run id to follow with ferry_run_show.

Examples:
  ferry mcp                                   serve the ferry.yaml found from here, on stdin/stdout
  ferry --config ~/code/ferry.yaml mcp        a fixed config, whatever the client's working dir
  # register it with an MCP client (JSON config):
  #   { "mcpServers": { "ferry": { "command": "ferry", "args": ["--config", "/home/me/code/ferry.yaml", "mcp"] } } }`,
    )
    .action(async () => {
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
      });
    });
}
