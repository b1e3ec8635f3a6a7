import type { Command } from 'commander';
import type { CliContext } from './context.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('dashboard')
    .description(
      'serve a web view of runs with live events, and Approve/Reject for releases waiting on the dashboard gate (loopback only by default)',
    )
    .option('-p, --port <port>', 'port (0 picks a free one)', '4700')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .addHelpText(
      'after',
      `
Pages: /  (runs)  ·  /runs/<run_id>  (steps, live events)  ·  /gates  (releases waiting for approval)
JSON:  /api/runs  ·  /api/runs/<run_id>  ·  /api/gates
A release waits here when release.gate.channels includes dashboard (and no earlier channel is usable).
There is no login: keep it on loopback, or reach it through an SSH tunnel.

Examples:
  ferry dashboard                             http://127.0.0.1:4700
  ferry dashboard --port 0                    any free port (printed on start)
  ssh -L 4700:127.0.0.1:4700 build-host       then open http://127.0.0.1:4700 here`,
    )
    .action(async (o: { port: string; host: string }) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        const { FerryError, ErrorCode } = await import('../errors.js');
        throw new FerryError(ErrorCode.USAGE, `--port ${JSON.stringify(o.port)} is not a port number`, {
          fix: 'ferry dashboard --port 4700',
        });
      }
      const { startDashboard } = await import('../server/dashboard.js');
      const d = await startDashboard(await ctx.home(), port, o.host);
      ctx.result({ url: d.url });
      ctx.print(`ferry dashboard on ${d.url} (Ctrl-C to stop)`);
    });
}
