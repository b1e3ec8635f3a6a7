// The one way ferry runs a process: argv arrays only (never a shell string built from input),
// output captured and redacted, optional timeout, the command echoed under --verbose.

import { ErrorCode, FerryError } from '../errors.js';
import { redact } from './redact.js';

export interface ExecOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Replace the inherited environment instead of extending it. */
  extendEnv?: boolean;
  timeoutMs?: number;
  input?: string;
  signal?: AbortSignal;
  /** Throw a FerryError(COMMAND_FAILED) on non-zero exit. Default true. */
  reject?: boolean;
  /** Error code used when reject is on and the command fails. */
  failCode?: ErrorCode;
  /** The fix/resume hint attached to the thrown error. */
  fix?: string;
}

/** Flat, serialisable outcome (execa's result shape, redacted). */
export interface ExecResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved. */
  all: string;
  durationMs: number;
  failed: boolean;
  timedOut: boolean;
  shortMessage: string;
}

export type Exec = (file: string, args: readonly string[], opts?: ExecOptions) => Promise<ExecResult>;

export interface ExecHooks {
  /** Called before each command (used for --verbose echo and the run log). */
  onCommand?(command: string, cwd: string | undefined): void;
  /** Called with each finished result (run log). */
  onResult?(result: ExecResult): void;
}

/** Quote one argv element for display only (never executed through a shell). */
export function quoteArg(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

export function formatCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map(quoteArg).join(' ');
}

// CSI and OSC escape sequences (colours, cursor moves, hyperlinks) that tools print even into a pipe.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** Text without terminal escape sequences (for error messages, verdicts: not a terminal). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Last `n` lines of output without terminal escapes, for error messages (LINT_FAILED with the output tail…). */
export function tail(text: string, n = 20): string {
  const lines = stripAnsi(text)
    .replace(/\r(?!\n)/g, '\n')
    .trimEnd()
    .split('\n');
  return lines.slice(-n).join('\n');
}

/**
 * The line of a failed command's output that says why: the first `fatal:` / `error:` line of stderr
 * (git, npm, twine), else its first non-empty line, else the last non-empty line of the output tail.
 */
export function causeLine(stderr: string, outputTail: string): string {
  const lines = (text: string) =>
    stripAnsi(text)
      .split(/\r?\n|\r/)
      .map((l) => l.trim())
      .filter(Boolean);
  const err = lines(stderr);
  return (
    err.find((l) => /^(fatal|error|err!)\b|^npm (error|ERR!)|^ERROR\b/i.test(l)) ??
    err[0] ??
    lines(outputTail).at(-1) ??
    ''
  );
}

/**
 * The error a failed command throws (COMMAND_FAILED, `code`, or COMMAND_TIMEOUT): the command, why it
 * stopped and git's `fatal:` line first, then the output tail; for callers that ran with `reject: false`.
 */
export function commandError(
  result: ExecResult,
  o: { code?: ErrorCode; fix?: string; timeoutMs?: number; notInstalled?: string } = {},
): FerryError {
  const code = result.timedOut ? ErrorCode.COMMAND_TIMEOUT : (o.code ?? ErrorCode.COMMAND_FAILED);
  const why = result.timedOut
    ? `timed out after ${o.timeoutMs} ms`
    : o.notInstalled
      ? `could not start: ${o.notInstalled} is not installed or not on PATH`
      : `exited ${result.exitCode}`;
  const out = tail(result.all || result.shortMessage, 12);
  const cause = causeLine(result.stderr, out);
  // The first line names the cause (git's `fatal: …`), so a one-line rendering still says why;
  // the output tail follows for context when it has more to say.
  const more = out && out.trim() !== cause ? `\n${out}` : '';
  return new FerryError(code, `${result.command} ${why}${cause ? `: ${cause}` : ''}${more}`, {
    fix: o.fix,
    details: {
      command: result.command,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      notFound: !!o.notInstalled,
    },
  });
}

// execa is imported on the first command run: a dry run that reads git through facts.ts, and
// `ferry --version`, never load it.
let execaModule: Promise<typeof import('execa')> | null = null;

export function createExec(hooks: ExecHooks = {}): Exec {
  return async (file, args, opts = {}) => {
    const command = redact(formatCommand(file, args));
    hooks.onCommand?.(command, opts.cwd);
    const started = Date.now();
    const { execa } = await (execaModule ??= import('execa'));
    const r = await execa(file, [...args], {
      cwd: opts.cwd,
      env: opts.env,
      extendEnv: opts.extendEnv ?? true,
      timeout: opts.timeoutMs,
      input: opts.input,
      cancelSignal: opts.signal,
      reject: false,
      all: true,
      stripFinalNewline: true,
      windowsHide: true,
    });
    const result: ExecResult = {
      command,
      exitCode: typeof r.exitCode === 'number' ? r.exitCode : -1,
      stdout: redact(String(r.stdout ?? '')),
      stderr: redact(String(r.stderr ?? '')),
      all: redact(String(r.all ?? '')),
      durationMs: Date.now() - started,
      failed: Boolean(r.failed),
      timedOut: Boolean(r.timedOut),
      shortMessage: redact(String(r.shortMessage ?? '')),
    };
    hooks.onResult?.(result);
    if (result.failed && opts.reject !== false) {
      // A program that is not installed never ran: say that, not "exited -1".
      const notFound = (r as { code?: string }).code === 'ENOENT';
      throw commandError(result, {
        code: opts.failCode,
        fix: opts.fix,
        timeoutMs: opts.timeoutMs,
        notInstalled: notFound ? file : undefined,
      });
    }
    return result;
  };
}

/** Default runner without hooks, for code outside a run (init, config check, tests). */
export const exec: Exec = createExec();
