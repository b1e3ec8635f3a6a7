// Find, parse and validate ferry.yaml. Every problem is reported as `file:line:col key: expected`,
// all of them at once, and loading never writes anything.

import { groupIssues, groupTagOf } from './groups-check.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { ErrorCode, FerryError } from '../errors.js';
import { normalizePythonName } from '../manifest/names.js';
import { addSecret, addSecretsFromEnv } from '../util/redact.js';
import { configSchema } from './schema.js';
import type { FerryConfig } from './schema.js';
import { readDotenvFile } from './dotenv.js';
import { findCycle, formatCycle } from './graph.js';
import { renderTag, tagVars } from '../release/versions/tag-template.js';
import { formatIssue, formatKeyPath, locate, pathAtOffset, zodIssueLines } from './locate.js';
import type { ConfigIssue, KeyPath } from './locate.js';

export type { ConfigIssue } from './locate.js';

export const CONFIG_FILENAMES = ['ferry.yaml', 'ferry.yml'] as const;

export interface LoadedConfig {
  /** Absolute path of the ferry.yaml that was loaded. */
  path: string;
  /** Directory of ferry.yaml (state lives in `<dir>/.ferry/` unless FERRY_STATE_DIR is set). */
  dir: string;
  /** `workspace:` resolved against `dir`. */
  workspaceDir: string;
  config: FerryConfig;
  /** Values read from `env_files` (already registered for redaction when their names look secret). */
  envFromFiles: Record<string, string>;
  /** The environment to run with: env-file values overlaid by the process environment. */
  env: Record<string, string>;
  /** Non-fatal findings, e.g. an env file that does not exist. */
  warnings: string[];
}

export interface LoadOptions {
  /** Process environment (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** `~/x` → `<home>/x`, then resolve against `base`. */
export function resolvePath(base: string, p: string): string {
  const expanded = p === '~' ? homedir() : p.startsWith('~/') ? join(homedir(), p.slice(2)) : p;
  return isAbsolute(expanded) ? expanded : resolve(base, expanded);
}

/**
 * The config file: `explicit` (resolved against `cwd`) or the first ferry.yaml walking up from `cwd`.
 * @throws FerryError CONFIG_NOT_FOUND (fix: `ferry init`).
 */
export function findConfig(cwd: string, explicit?: string): string {
  if (explicit) {
    const p = resolvePath(cwd, explicit);
    if (!existsSync(p) || !statSync(p).isFile()) {
      throw new FerryError(ErrorCode.CONFIG_NOT_FOUND, `config file not found: ${p}`, {
        fix: 'ferry init',
        details: { file: p },
      });
    }
    return p;
  }
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILENAMES) {
      const p = join(dir, name);
      if (existsSync(p) && statSync(p).isFile()) return p;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new FerryError(ErrorCode.CONFIG_NOT_FOUND, `no ferry.yaml in ${resolve(cwd)} or any parent directory`, {
    fix: 'ferry init',
    details: { cwd: resolve(cwd) },
  });
}

function invalid(file: string, unsorted: ConfigIssue[]): FerryError {
  // In file order, as an editor walks them (zod reports in schema order).
  const issues = [...unsorted].sort((a, b) => a.line - b.line || a.col - b.col);
  const n = issues.length;
  const head = `${file}: ${n} problem${n === 1 ? '' : 's'} in config`;
  return new FerryError(ErrorCode.CONFIG_INVALID, [head, ...issues.map(formatIssue)].join('\n'), {
    fix: `edit ${file} at the line${n === 1 ? '' : 's'} above, then: ferry config check --config ${file}`,
    details: { file, issues },
  });
}

/** Semantic rules zod can't express locally: unique names, known registries, known `depends_on` targets. */
function semanticIssues(config: FerryConfig, doc: Document, lc: LineCounter, file: string): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const at = (path: KeyPath, message: string): void => {
    const { line, col } = lc.linePos(locate(doc, path).offset);
    out.push({ file, line, col, key: formatKeyPath(path), message });
  };
  const seen = new Map<string, number>();
  const names = new Set(config.packages.map((p) => p.name));
  config.packages.forEach((p, i) => {
    const key = p.ecosystem === 'python' ? `python:${normalizePythonName(p.name)}` : `npm:${p.name}`;
    const first = seen.get(key);
    if (first !== undefined) at(['packages', i, 'name'], `duplicate package name ${p.name} (also packages[${first}])`);
    else seen.set(key, i);
    if (p.publish !== false && !(p.publish in config.registries)) {
      const known = Object.keys(config.registries);
      at(
        ['packages', i, 'publish'],
        `unknown registry ${JSON.stringify(p.publish)} (expected a key under registries:${known.length ? ` ${known.join(', ')}` : ' none defined'}, or false)`,
      );
    }
    (p.depends_on ?? []).forEach((d, j) => {
      if (!names.has(d))
        at(
          ['packages', i, 'depends_on', j],
          `unknown package ${JSON.stringify(d)} (expected a configured package name)`,
        );
      else if (d === p.name) at(['packages', i, 'depends_on', j], 'a package cannot depend on itself');
    });
  });
  for (const [path, message] of groupIssues(config)) at(path, message);
  const groupTag = groupTagOf(config);
  // Packages of one repo (a monorepo) are tagged in the same git repo: their tags must differ
  // (except the members of a lockstep group with one tag: they share it on purpose).
  const byRepo = new Map<string, number[]>();
  config.packages.forEach((p, i) => byRepo.set(p.repo ?? p.name, [...(byRepo.get(p.repo ?? p.name) ?? []), i]));
  for (const [repo, idx] of byRepo) {
    if (idx.length < 2) continue;
    const seenTag = new Map<string, number>();
    for (const i of idx) {
      const p = config.packages[i]!;
      if (groupTag.has(p.name)) continue;
      const tag = renderTag(p.tag ?? config.release.tag, tagVars({ name: p.name, repo, path: p.path }), '1.0.0');
      const other = seenTag.get(tag);
      if (other === undefined) {
        seenTag.set(tag, i);
        continue;
      }
      const path = p.tag ? ['packages', i, 'tag'] : ['release', 'tag'];
      at(
        path,
        `repo ${repo} holds ${config.packages[other]!.name} and ${p.name}, whose tags would collide (${tag}): use {name} or {dir} (e.g. "{name}/v{version}")`,
      );
      break;
    }
  }
  return out;
}

/**
 * Parse and validate config text. Pure: reads and writes nothing.
 * @throws FerryError CONFIG_INVALID with every issue as `file:line:col key: expected`.
 * @throws FerryError DEPENDENCY_CYCLE when `depends_on` entries form a cycle.
 */
export function parseConfig(text: string, file: string): FerryConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e): ConfigIssue => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      const key = formatKeyPath(pathAtOffset(doc, e.pos[0]));
      return { file, line, col, key, message: `YAML syntax error: ${e.message.split('\n')[0]}` };
    });
    throw invalid(file, issues);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (e) {
    // An alias bomb (too many aliases) or an alias to an anchor that is not defined: the yaml library
    // throws a ReferenceError from toJS; report it like any other YAML error, with file:line.
    const alias = /alias/i.test((e as Error).message);
    if (!alias) throw e;
    const m = /\*([A-Za-z0-9_-]+)/.exec(text);
    const { line, col } = lineCounter.linePos(m ? m.index : 0);
    throw invalid(file, [
      { file, line, col, key: '', message: `YAML alias error: ${(e as Error).message.split('\n')[0]}` },
    ]);
  }
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    throw invalid(file, zodIssueLines(parsed.error.issues, { file, doc, lineCounter, data, schema: configSchema }));
  }
  const config = parsed.data;
  const issues = semanticIssues(config, doc, lineCounter, file);
  if (issues.length > 0) throw invalid(file, issues);

  const cycle = findCycle(config.packages.map((p) => ({ name: p.name, deps: p.depends_on ?? [] })));
  if (cycle) {
    const i = config.packages.findIndex((p) => p.name === cycle[0]);
    const path: KeyPath = ['packages', i, 'depends_on'];
    const { line, col } = lineCounter.linePos(locate(doc, path).offset);
    throw new FerryError(
      ErrorCode.DEPENDENCY_CYCLE,
      `${file}:${line}:${col} ${formatKeyPath(path)}: dependency cycle ${formatCycle(cycle)}`,
      {
        fix: `ferry config check --config ${file}`,
        details: { file, line, col, key: formatKeyPath(path), cycle },
      },
    );
  }
  return config;
}

/** Names of environment variables the config refers to (`*_env` keys and secret key maps). */
export function referencedEnvNames(config: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string') {
      if (/_env$/.test(key)) out.add(v);
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, key);
    } else if (typeof v === 'object' && v !== null) {
      // Under required_env / secrets.keys the values (not the keys) are variable names.
      for (const [k, x] of Object.entries(v)) walk(x, key === 'required_env' || key === 'keys' ? 'x_env' : k);
    }
  };
  walk(config, '');
  return [...out].sort();
}

/**
 * Load and validate a ferry.yaml, read its env files and register secret values for redaction.
 * @throws FerryError CONFIG_NOT_FOUND, CONFIG_INVALID, DEPENDENCY_CYCLE.
 */
export function loadConfig(path: string, opts: LoadOptions = {}): LoadedConfig {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new FerryError(
      ErrorCode.CONFIG_NOT_FOUND,
      `cannot read config ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      {
        fix: 'ferry init',
        cause: e,
        details: { file },
      },
    );
  }
  const config = parseConfig(text, file);
  const dir = dirname(file);
  const processEnv = opts.env ?? process.env;
  const warnings: string[] = [];
  const envFromFiles: Record<string, string> = {};
  for (const f of config.env_files) {
    const p = resolvePath(dir, f);
    if (!existsSync(p)) {
      warnings.push(`env file not found: ${p} (from env_files in ${file})`);
      continue;
    }
    Object.assign(envFromFiles, readDotenvFile(p));
  }
  const env: Record<string, string> = { ...envFromFiles };
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) env[k] = v;
  // Env-file values with secret-looking names, and whatever variables the config names as secrets.
  // (Secret-looking names in the process environment are registered by the CLI at start-up.)
  addSecretsFromEnv(envFromFiles);
  for (const name of referencedEnvNames(config)) addSecret(env[name]);
  return { path: file, dir, workspaceDir: resolvePath(dir, config.workspace), config, envFromFiles, env, warnings };
}

/** findConfig + loadConfig. */
export function loadConfigFrom(cwd: string, explicit?: string, opts: LoadOptions = {}): LoadedConfig {
  return loadConfig(findConfig(cwd, explicit), opts);
}
