// What every command gets: resolved global flags, lazy config, the ferry home, output helpers.
// Command modules import only this and commander at top level; their core is imported lazily.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { EngineOptions } from '../engine/run.js';
import type { LoadedConfig } from '../config/load.js';
import type { FlushableRenderer } from './render/index.js';
import { makeStyle, type Style } from './render/style.js';

export interface GlobalOptions {
  config?: string;
  json: boolean;
  verbose: boolean;
  color: boolean;
  stateDir?: string;
}

export type EngineContext = EngineOptions & { renderer: FlushableRenderer };

export class CliContext {
  private loaded: Promise<LoadedConfig> | null = null;

  constructor(
    private readonly program: Command,
    readonly version: string,
    readonly cwd: string = process.cwd(),
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  globals(): GlobalOptions {
    const o = this.program.opts<{
      config?: string;
      json?: boolean;
      verbose?: boolean;
      color?: boolean;
      stateDir?: string;
    }>();
    return {
      config: o.config,
      json: Boolean(o.json),
      verbose: Boolean(o.verbose),
      color: o.color !== false && !o.json && colorFromEnv(this.env, Boolean(process.stderr.isTTY)),
      stateDir: o.stateDir,
    };
  }

  /** Colour for stdout itself (a dry-run plan redirected to a file gets none while stderr is a terminal). */
  stdoutColor(): boolean {
    const o = this.program.opts<{ json?: boolean; color?: boolean }>();
    return o.color !== false && !o.json && colorFromEnv(this.env, Boolean(process.stdout.isTTY));
  }

  get style(): Style {
    return makeStyle(this.globals().color);
  }

  /** Loads and validates ferry.yaml once. @throws CONFIG_NOT_FOUND, CONFIG_INVALID */
  config(): Promise<LoadedConfig> {
    if (!this.loaded) {
      const explicit = this.globals().config;
      this.loaded = import('../config/load.js').then(async (m) => m.loadConfig(await m.findConfig(this.cwd, explicit)));
    }
    return this.loaded;
  }

  /** --state-dir, else FERRY_STATE_DIR, else `.ferry/` beside ferry.yaml, else `.ferry/` here. */
  async home(opts: { needConfig?: boolean } = {}): Promise<string> {
    const g = this.globals();
    if (g.stateDir !== undefined && g.stateDir.trim() === '') {
      const { ErrorCode, FerryError } = await import('../errors.js');
      throw new FerryError(ErrorCode.USAGE, '--state-dir (or FERRY_STATE_DIR) is empty', {
        fix: 'ferry --state-dir .ferry <command>   # or unset FERRY_STATE_DIR',
      });
    }
    if (g.stateDir) return resolve(this.cwd, g.stateDir);
    if (this.env.FERRY_STATE_DIR) return resolve(this.cwd, this.env.FERRY_STATE_DIR);
    if (opts.needConfig) return join((await this.config()).dir, '.ferry');
    const found = g.config ? resolve(this.cwd, g.config) : findUp(this.cwd, 'ferry.yaml');
    return join(found ? dirname(found) : this.cwd, '.ferry');
  }

  /** stdin and stderr are terminals, and CI is not set: we may prompt. */
  interactive(): boolean {
    return Boolean(process.stdin.isTTY && process.stderr.isTTY) && !this.env.CI;
  }

  async engine(opts: { dryRun: boolean }): Promise<EngineContext> {
    const g = this.globals();
    const { pickRenderer } = await import('./render/index.js');
    return {
      stateDir: await this.home(),
      dryRun: opts.dryRun,
      verbose: g.verbose,
      version: this.version,
      renderer: await pickRenderer({
        json: g.json,
        verbose: g.verbose,
        color: g.color,
        tty: Boolean(process.stderr.isTTY) && !this.env.CI,
        columns: process.stdout.columns,
        stdoutColor: this.stdoutColor(),
      }),
    };
  }

  /** Human text on stdout; suppressed under --json (stdout carries only JSON there). */
  print(text: string): void {
    if (!this.globals().json) process.stdout.write(text.endsWith('\n') ? text : text + '\n');
  }

  /** Human notes on stderr (never under --json). */
  note(text: string): void {
    if (!this.globals().json) process.stderr.write(text.endsWith('\n') ? text : text + '\n');
  }

  /** The command's result object: the last stdout line under --json. */
  result(obj: unknown): void {
    if (this.globals().json) process.stdout.write(JSON.stringify(obj) + '\n');
  }
}

/** FORCE_COLOR (any value but 0/false) turns colour on even without a terminal; NO_COLOR turns it off. */
function colorFromEnv(env: NodeJS.ProcessEnv, tty: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return !env.NO_COLOR && tty;
}

function findUp(from: string, name: string): string | null {
  let dir = resolve(from);
  for (;;) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** Signature every command module exports. */
export type Register = (program: Command, ctx: CliContext) => void;
