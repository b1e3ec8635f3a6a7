// CLI entry. Registers commands (small modules) and maps errors to exit codes:
// 0 success / dry run / nothing to do, 1 run failed or partial, 2 bad usage or config.
import { Command, CommanderError, Option } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { isFerryError, serializeError } from '../errors.js';
import { addSecretsFromEnv, redact } from '../engine/redact.js';
import { CliContext, type Register } from './context.js';
import { COMMANDS } from './commands.js';

export function buildProgram(): { program: Command; ctx: CliContext } {
  const program = new Command('ferry');
  const ctx = new CliContext(program, pkg.version);
  program
    .description('Release and deploy multi-package ecosystems in dependency order: durable, resumable, exactly-once.')
    .version(pkg.version, '-V, --version', 'print the ferry version')
    .option('-c, --config <file>', 'path to ferry.yaml (default: found by walking up from here)')
    .option('--json', 'machine output: NDJSON events on stdout, then the result object as the last line')
    .option('-v, --verbose', 'show every command ferry runs, and debug logs')
    .option('--no-color', 'plain output without ANSI colours')
    .addOption(new Option('--state-dir <dir>', 'where runs, state and results live (default: .ferry/ beside ferry.yaml)').env('FERRY_STATE_DIR'))
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run ferry --help for usage)')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Examples:
  ferry init                         write a commented ferry.yaml for the repos under this directory
  ferry release --dry-run            show the release plan (tiers, bumps, plan hash); change nothing
  ferry release                      release every package with unreleased commits, tier by tier
  ferry release --resume <run_id>    continue a stopped or failed run exactly where it stopped
  ferry runs list                    history of runs with status and duration
  ferry demo                         release a built-in 6-package demo ecosystem in a temp dir

Exit codes: 0 success, dry run or nothing to do; 1 run failed or partial; 2 bad usage or config.`,
    )
    .exitOverride();
  for (const register of COMMANDS as Register[]) register(program, ctx);
  pointHelpAtCommand(program);
  return { program, ctx };
}

// After a usage error, point at the help of the command that was mistyped (`ferry pins --help`), not the top level.
function pointHelpAtCommand(cmd: Command, prefix = ''): void {
  for (const sub of cmd.commands) {
    const name = `${prefix}${sub.name()}`;
    sub.showHelpAfterError(`(run ferry ${name} --help for usage)`);
    pointHelpAtCommand(sub, `${name} `);
  }
}

export async function main(argv: string[]): Promise<void> {
  addSecretsFromEnv();
  // `ferry runs list | head -1` closes the pipe early: stop quietly (as other CLIs do), not with an EPIPE trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  const { program, ctx } = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = report(e, ctx);
  }
}

function report(e: unknown, ctx: CliContext): number {
  if (e instanceof CommanderError) {
    // Help and version are "errors" in commander's exitOverride model.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return 2; // commander already printed the message and the suggestion
  }
  const json = safeJson(ctx);
  if (isFerryError(e)) {
    if (json) process.stdout.write(JSON.stringify({ ok: false, error: serializeError(e) }) + '\n');
    else {
      process.stderr.write(`${ctx.style.bad(`error[${e.code}]`)}: ${redact(e.message)}\n`);
      if (e.fix) process.stderr.write(`  ${ctx.style.dim('fix:')} ${redact(e.fix)}\n`);
    }
    return e.exitCode;
  }
  const msg = redact(e instanceof Error ? (e.stack ?? e.message) : String(e));
  if (json) process.stdout.write(JSON.stringify({ ok: false, error: { ...serializeError(e), message: msg } }) + '\n');
  else process.stderr.write(`ferry hit an unexpected error — this is a bug, please report it with the run id and this trace:\n${msg}\n`);
  return 1;
}

function safeJson(ctx: CliContext): boolean {
  try {
    return ctx.globals().json;
  } catch {
    return false;
  }
}
