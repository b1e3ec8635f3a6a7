// CLI entry. Registers commands (small modules) and maps errors to exit codes:
// 0 success / dry run / nothing to do, 1 run failed or partial, 2 bad usage or config.
import { Command, CommanderError, Option } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { ErrorCode, FerryError, isFerryError, serializeError } from '../errors.js';
import { addSecretsFromEnv, redact } from '../util/redact.js';
import { CliContext, type Register } from './context.js';
import { COMMANDS } from './commands.js';
import { makeStyle, type Style } from './render/style.js';

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
    .addOption(
      new Option('--state-dir <dir>', 'where runs, state and results live (default: .ferry/ beside ferry.yaml)').env(
        'FERRY_STATE_DIR',
      ),
    )
    .showSuggestionAfterError(true)
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
  ferry completion bash              shell completion script (see ferry completion --help to install it)

Exit codes: 0 success, dry run or nothing to do; 1 run failed or partial; 2 bad usage or config.`,
    )
    .exitOverride();
  for (const register of COMMANDS as Register[]) register(program, ctx);
  pointHelpAtCommand(program);
  return { program, ctx };
}

// Commander's usage errors in ferry's shape: one line `error[USAGE]: …` and a `fix:` pointing at the
// help of the command that was mistyped (`ferry pins --help`), or at the suggested command; with
// --json, the `{ ok: false, error }` line on stdout instead.
function pointHelpAtCommand(cmd: Command, path = ''): void {
  cmd.configureOutput({ outputError: (text) => usageError(text, path) });
  for (const sub of cmd.commands) pointHelpAtCommand(sub, path ? `${path} ${sub.name()}` : sub.name());
}

/** `ferry … --json` on the command line; read from argv because a usage error stops parsing before the options are known. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

function usageError(text: string, path: string): void {
  const lines = text
    .trim()
    .replace(/^error: /, '')
    .split('\n');
  const suggested = /^\(Did you mean (.+)\?\)$/.exec(lines.at(-1) ?? '')?.[1];
  const what = (suggested ? lines.slice(0, -1) : lines).join('; ');
  const message = suggested ? `${what}; did you mean ${suggested}?` : what;
  const here = path ? `ferry ${path}` : 'ferry';
  const fix = suggested && what.startsWith('unknown command') ? `${here} ${suggested} --help` : `${here} --help`;
  printFerryError(new FerryError(ErrorCode.USAGE, message, { fix }), wantsJson(process.argv), PLAIN);
}

const PLAIN = makeStyle(false);

/** A FerryError the way every command reports one: the `{ ok: false, error }` line under --json, else `error[CODE]: …` and its fix. */
function printFerryError(e: FerryError, json: boolean, style: Style): void {
  if (json) {
    process.stdout.write(JSON.stringify({ ok: false, error: serializeError(e) }) + '\n');
    return;
  }
  process.stderr.write(`${style.bad(`error[${e.code}]`)}: ${redact(e.message)}\n`);
  if (e.fix) process.stderr.write(`  ${style.dim('fix:')} ${redact(e.fix)}\n`);
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
    printFerryError(e, json, ctx.style);
    return e.exitCode;
  }
  const msg = redact(e instanceof Error ? (e.stack ?? e.message) : String(e));
  if (json) process.stdout.write(JSON.stringify({ ok: false, error: { ...serializeError(e), message: msg } }) + '\n');
  else
    process.stderr.write(
      `ferry hit an unexpected error — this is a bug, please report it with the run id and this trace:\n${msg}\n`,
    );
  return 1;
}

function safeJson(ctx: CliContext): boolean {
  try {
    return ctx.globals().json;
  } catch {
    return false;
  }
}
