import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('mcp')
    .description('serve ferry to AI agents over the Model Context Protocol (stdio): plan, release, redeploy, deploy, runs')
    .action(async () => {
      const { runMcpServer } = await import('../server/mcp.js');
      const g = ctx.globals();
      const globalArgs = [...(g.config ? ['--config', g.config] : []), ...(g.stateDir ? ['--state-dir', g.stateDir] : [])];
      await runMcpServer({ ferry: [process.execPath, process.argv[1]!], cwd: ctx.cwd, globalArgs, version: ctx.version });
    });
}
