import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { ErrorCode, FerryError } from '../errors.js';
import { SAFE_ID } from '../engine/paths.js';
import { resumeFor } from '../engine/resume-command.js';

const SUBCOMMANDS = ['list', 'show', 'events'];

// A run id is a path component under the state dir: `a b` or `../x` is bad input (exit 2), not a missing run.
function checkRunId(runId: string, sub: string): void {
  if (!SAFE_ID.test(runId)) {
    throw new FerryError(
      ErrorCode.USAGE,
      `${JSON.stringify(runId)} is not a valid run id: use letters, digits, '.', '_' and '-' only`,
      {
        fix: `ferry runs list   # then: ferry runs ${sub} <run_id>`,
      },
    );
  }
}

const resumeHint = (pipeline: string, runId: string): string => {
  const cmd = resumeFor(pipeline, runId);
  return cmd ? `resume with: ${cmd}` : `ferry ${pipeline} cannot resume; run it again`;
};

function unknownSubcommand(name: string): FerryError {
  const near = SUBCOMMANDS.find((s) => s.startsWith(name.slice(0, 2))) ?? 'list';
  return new FerryError(ErrorCode.USAGE, `unknown command 'runs ${name}' (known: ${SUBCOMMANDS.join(', ')})`, {
    fix: `ferry runs ${near}`,
  });
}

export function register(program: Command, ctx: CliContext): void {
  const runs = program
    .command('runs')
    .description('history of runs across pipelines: list, show one, or print its events')
    // `ferry runs` alone lists; a mistyped subcommand (`ferry runs lst`) must not be read as `list lst`.
    .argument('[command]')
    .usage('[options] [command]')
    .addHelpText(
      'after',
      `
Examples:
  ferry runs                                  same as ferry runs list
  ferry runs show release-20260225-a3f7b2     every step with status, attempts and error
  ferry runs events release-20260225-a3f7b2   the NDJSON event log (pipe it to jq)
  ferry --json runs list                      the history as one JSON object`,
    )
    .action(async (name: string | undefined) => {
      if (name !== undefined) throw unknownSubcommand(name);
      await list();
    });
  const list = async (): Promise<void> => {
    const { listRuns } = await import('../engine/history.js');
    const { renderTable } = await import('../util/table.js');
    const { formatMs } = await import('./render/plain.js');
    const rows = await listRuns(await ctx.home());
    ctx.result({ runs: rows });
    if (rows.length === 0) return ctx.print('No runs yet. Try: ferry release --dry-run');
    ctx.print(
      renderTable(
        ['run id', 'pipeline', 'status', 'started', 'duration', 'steps'],
        rows.map((r) => [
          r.run_id,
          r.pipeline,
          r.interrupted ? 'interrupted' : r.status,
          r.started_at.replace('T', ' ').slice(0, 19),
          r.interrupted ? '-' : r.duration_ms === null ? 'running' : formatMs(r.duration_ms),
          `${r.steps_done}/${r.steps_total}`,
        ]),
      ),
    );
    // A killed run still says in_progress in its state file; tell how to continue it.
    for (const r of rows.filter((x) => x.interrupted))
      ctx.note(`${r.run_id} was interrupted (no live process holds it); ${resumeHint(r.pipeline, r.run_id)}`);
  };
  runs.command('list').description('every run, newest first, with status and duration').action(list);
  runs
    .command('show <run_id>')
    .description('one run: its status and every step with its status, attempts and error')
    .option('--compact', 'under --json: the summary and view only, without the full state')
    .action(async (runId: string, o: { compact?: boolean }) => {
      checkRunId(runId, 'show');
      const { findRun, isInterrupted, summarize } = await import('../engine/history.js');
      const { runView } = await import('../server/run-view.js');
      const { renderTable } = await import('../util/table.js');
      const home = await ctx.home();
      const { state, archived } = await findRun(home, runId);
      const s = summarize(state, archived, await isInterrupted(home, state, archived));
      const view = await runView(home, state, s);
      ctx.result(o.compact ? { summary: s, view } : { summary: s, view, state });
      const status = s.interrupted
        ? `interrupted (in_progress, but no live process holds it; ${resumeHint(s.pipeline, s.run_id)})`
        : view.status === 'waiting_for_approval'
          ? `waiting for approval since ${view.gate?.requested_at ?? '?'} (${view.gate?.approve_url ?? 'ferry dashboard → /gates'})`
          : s.status;
      ctx.print(`${s.pipeline} ${s.run_id}: ${status}${archived ? ' (archived)' : ''}, started ${s.started_at}`);
      ctx.print(
        renderTable(
          ['step', 'status', 'attempts', 'error'],
          state.step_order.map((id) => {
            const r = state.steps[id]!;
            return [
              id,
              r.detail ?? r.status,
              r.attempts,
              r.error ? `${r.error.code}: ${r.error.message.split('\n')[0]}` : '',
            ];
          }),
        ),
      );
    });
  runs
    .command('events <run_id>')
    .description("the run's NDJSON event log (one JSON object per line)")
    .action(async (runId: string) => {
      checkRunId(runId, 'events');
      const { readEvents } = await import('../engine/history.js');
      for (const e of await readEvents(await ctx.home(), runId)) process.stdout.write(JSON.stringify(e) + '\n');
    });
}
