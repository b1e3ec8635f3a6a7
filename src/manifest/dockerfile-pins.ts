// Dockerfile pin editor (seed: update-plugin-pins.py). Rewrites `pkg==X` / `pkg[extra]==X` and range
// pins (`pkg>=0.8,<2`, `pkg~=0.7`, see pin-spec.ts) inside `RUN … pip install …` instructions
// (continuation lines included) and `ARG <PKG>_VERSION=X`, preserving every other byte. Pure: text
// in, text + report out.

import { compare } from '@renovatebot/pep440';
import { ErrorCode, FerryError } from '../errors.js';
import { normalizePythonName } from './names.js';
import { checkSpec, parseSpec, rewriteSpec, type RangePinMode } from './pin-spec.js';

export interface PinChange {
  /** Version found in the Dockerfile (first occurrence), or null when the package is not pinned there. */
  from: string | null;
  to: string;
  matched: boolean;
}

/** One pin rewritten in place (the dry-run preview lists every one). */
export interface PinEdit {
  package: string;
  /** 1-based line of the Dockerfile. */
  line: number;
  /** The pin as written before and after: `>=0.8.0,<2.0.0` → `==0.9.0`; an ARG's value. */
  before: string;
  after: string;
}

export interface PinEditResult {
  content: string;
  changed: boolean;
  /** Keyed by the package name as requested. */
  pins: Record<string, PinChange>;
  /** Every pin occurrence, in file order (an unchanged one has before === after). */
  edits: PinEdit[];
  /** Requested packages the Dockerfile pins nowhere (with allowUnmatched; otherwise PIN_UNMATCHED). */
  not_in_dockerfile: string[];
}

export interface PinEditOptions {
  /** Report unmatched packages with matched:false instead of throwing PIN_UNMATCHED. */
  allowUnmatched?: boolean;
  /** For error messages and the fix hint. */
  file?: string;
  /** Range pins: rewrite to `==new` (default) or keep the range with `new` as its lower bound. */
  rangePins?: RangePinMode;
  /** Allow a pin to go down (a lower version than pinned, or below a range's floor). */
  allowDowngrade?: boolean;
}

/** PEP 503 normalised name: lowercase, runs of -_. become one '-'. */
export function normalizeName(name: string): string {
  return normalizePythonName(name);
}

/** `omninode-claude` → `OMNINODE_CLAUDE_VERSION`. */
export function argNameFor(pkg: string): string {
  return `${normalizeName(pkg).toUpperCase().replace(/-/g, '_')}_VERSION`;
}

// PEP 508 distribution name; PEP 440 public version (+ optional local part).
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const VERSION =
  /^(?:\d+!)?\d+(?:\.\d+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?(?:[-_.]?(?:post|rev|r)[-_.]?\d*)?(?:[-_.]?dev[-_.]?\d*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i;

/**
 * Parse `--versions a=1.0,b=2.0` strictly.
 * @throws USAGE for anything that is not a list of name=version pairs (spaces, shell characters,
 *   bad names or versions, duplicates).
 */
export function parseVersions(spec: string, flag = '--versions', command = 'ferry redeploy'): Record<string, string> {
  const fail = (why: string): never => {
    throw new FerryError(ErrorCode.USAGE, `${flag} ${JSON.stringify(spec)}: ${why}`, {
      fix: `${command} ${flag} "omniintelligence=0.8.0,omninode-claude=0.4.0"`,
    });
  };
  if (!spec || !spec.trim()) fail('expected comma-separated pkg=version pairs');
  const out: Record<string, string> = {};
  const seen = new Map<string, string>();
  for (const pair of spec.split(',')) {
    const eq = pair.indexOf('=');
    if (eq === -1) fail(`${JSON.stringify(pair)} is not pkg=version`);
    const name = pair.slice(0, eq);
    const version = pair.slice(eq + 1);
    if (!NAME.test(name)) fail(`${JSON.stringify(name)} is not a valid package name (PEP 508: letters, digits, . _ -)`);
    if (!VERSION.test(version))
      fail(`${JSON.stringify(version)} is not a valid version for ${name} (PEP 440, e.g. 1.2.3, 1.0rc1)`);
    const norm = normalizeName(name);
    if (seen.has(norm)) fail(`${name} is given twice (as ${seen.get(norm)} and ${name})`);
    seen.set(norm, name);
    out[name] = version;
  }
  return out;
}

export function formatVersions(versions: Record<string, string>): string {
  return Object.entries(versions)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

// A requirement token inside a pip install command: name, optional [extras], then a specifier of
// one or more comma-separated `<op><version>` clauses (no spaces: unquoted, they would split the arg).
// A version starting with `$` (`pkg==${PKG_VERSION}`) is not matched: its ARG line is the pin.
const CLAUSE = String.raw`(?:===|==|~=|>=|<=|!=|>|<)[A-Za-z0-9][A-Za-z0-9.*+!_-]*`;
const REQ = new RegExp(
  String.raw`(^|[\s"'])([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(\[[^\]\s]*\])?(${CLAUSE}(?:,${CLAUSE})*)(?=$|[\s"'\\;&|)])`,
  'g',
);
const ARG_LINE = /^(\s*ARG\s+)([A-Za-z_][A-Za-z0-9_]*)=(["']?)([^\s"']*)(\3)/i;
const PIP_INSTALL = /\bpip3?\s+install\b/;

function isContinued(line: string): boolean {
  return /\\\s*$/.test(line);
}

// `RUN <<EOT`, `RUN <<-"EOT" bash`: BuildKit heredocs; the body runs up to a line that is the delimiter.
const HEREDOC = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

/**
 * Groups of line indices forming RUN instructions that call `pip install`: continuation lines
 * (comment and empty lines inside them are skipped, as docker does) and heredoc bodies.
 */
function pipRunBlocks(lines: string[]): number[][] {
  const blocks: number[][] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i] as string;
    const block = [i];
    let cont = isContinued(first) && !/^\s*#/.test(first);
    i++;
    while (cont && i < lines.length) {
      const l = lines[i] as string;
      i++;
      // Dockerfile comments and empty lines inside a continued instruction are dropped by docker.
      if (/^\s*#/.test(l) || !l.trim()) continue;
      block.push(i - 1);
      cont = isContinued(l);
    }
    if (!/^\s*RUN\b/i.test(first)) continue;
    const instruction = block.map((n) => lines[n]).join(' ');
    for (const m of instruction.matchAll(HEREDOC)) {
      const strip = m[1] === '-';
      const delim = m[3] as string;
      while (i < lines.length) {
        const l = (lines[i] as string).replace(/\r$/, '');
        i++;
        if ((strip ? l.replace(/^\t+/, '') : l) === delim) break;
        if (!/^\s*#/.test(l)) block.push(i - 1);
      }
    }
    if (PIP_INSTALL.test(block.map((n) => lines[n]).join(' '))) blocks.push(block);
  }
  return blocks;
}

/**
 * Rewrite pins of `versions` in a Dockerfile.
 * @throws PIN_UNMATCHED when a requested package is pinned nowhere (unless allowUnmatched);
 *   PIN_CONFLICT when the new version is above a range's upper bound, excluded by `!=`, or lower than
 *   the pin (a downgrade, unless allowDowngrade). Errors name the file and line.
 */
export function rewriteDockerfilePins(
  content: string,
  versions: Record<string, string>,
  opts: PinEditOptions = {},
): PinEditResult {
  const wanted = new Map<string, string>(); // normalised → requested name
  for (const name of Object.keys(versions)) wanted.set(normalizeName(name), name);
  const byArg = new Map<string, string>(Object.keys(versions).map((n) => [argNameFor(n), n]));
  const found: Record<string, string | null> = Object.fromEntries(Object.keys(versions).map((n) => [n, null]));
  const edits: PinEdit[] = [];
  const file = opts.file ?? 'Dockerfile';
  const record = (name: string, line: number, before: string, after: string, from: string): void => {
    if (found[name] === null) found[name] = from;
    edits.push({ package: name, line: line + 1, before, after });
  };
  const conflict = (name: string, line: number, pin: string, why: string): never => {
    throw new FerryError(ErrorCode.PIN_CONFLICT, `${file}:${line + 1}: ${name} ${pin} ${why}`, {
      fix: `edit the pin on line ${line + 1} of ${file}, or ask for a version it admits`,
      details: { file, line: line + 1, package: name, pin, version: versions[name] },
    });
  };

  const lines = content.split('\n');
  for (const block of pipRunBlocks(lines)) {
    for (const n of block) {
      lines[n] = (lines[n] as string).replace(
        REQ,
        (whole, pre: string, name: string, extras: string | undefined, spec: string) => {
          const req = wanted.get(normalizeName(name));
          const clauses = req ? parseSpec(spec) : null;
          if (!req || !clauses) return whole;
          const next = versions[req] as string;
          const problem = checkSpec(clauses, next);
          if (problem?.kind === 'above')
            conflict(req, n, spec, `does not admit ${next}: it is above ${problem.clause}`);
          if (problem?.kind === 'excluded') conflict(req, n, spec, `excludes ${next} (${problem.clause})`);
          if (problem?.kind === 'downgrade' && !opts.allowDowngrade)
            conflict(
              req,
              n,
              spec,
              `would go down to ${next} (below ${problem.clause}); pass --allow-downgrade if that is meant`,
            );
          const after = rewriteSpec(clauses, next, opts.rangePins ?? 'exact');
          record(
            req,
            n,
            spec,
            after,
            clauses.length === 1 && clauses[0]!.op.startsWith('==') ? clauses[0]!.version : spec,
          );
          return `${pre}${name}${extras ?? ''}${after}`;
        },
      );
    }
  }
  for (let n = 0; n < lines.length; n++) {
    const m = ARG_LINE.exec(lines[n] as string);
    const req = m ? byArg.get((m[2] as string).toUpperCase()) : undefined;
    if (!m || !req) continue;
    const before = m[4] as string;
    const next = versions[req] as string;
    if (!opts.allowDowngrade && isVersion(before) && compare(next, before) < 0)
      conflict(req, n, `${m[2]}=${before}`, `would go down to ${next}; pass --allow-downgrade if that is meant`);
    record(req, n, before, next, before);
    lines[n] = (lines[n] as string).replace(ARG_LINE, `${m[1]}${m[2]}=${m[3]}${next}${m[5]}`);
  }

  const unmatched = Object.keys(versions).filter((n) => found[n] === null);
  if (unmatched.length && !opts.allowUnmatched) {
    throw new FerryError(
      ErrorCode.PIN_UNMATCHED,
      `no pin for ${unmatched.join(', ')} in ${opts.file ?? 'the Dockerfile'} (looked for pkg==X or a range in RUN pip install lines and ARG <PKG>_VERSION=X)`,
      {
        fix: `ferry pins --versions "${formatVersions(versions)}" --dockerfile ${opts.file ?? 'Dockerfile'} --allow-unmatched`,
        details: { unmatched },
      },
    );
  }
  const pins: Record<string, PinChange> = {};
  for (const [name, to] of Object.entries(versions))
    pins[name] = { from: found[name] ?? null, to, matched: found[name] !== null };
  const out = lines.join('\n');
  edits.sort((a, b) => a.line - b.line);
  return { content: out, changed: out !== content, pins, edits, not_in_dockerfile: unmatched };
}

function isVersion(v: string): boolean {
  return VERSION.test(v);
}

/** Dry-run preview: one line per pin occurrence, `  pkg: >=0.8.0,<2.0.0 -> ==0.9.0  (Dockerfile:12)`. */
export function formatPinEdits(edits: readonly PinEdit[], file: string): string[] {
  return edits.map(
    (e) =>
      `  ${e.package}: ${e.before} -> ${e.after}${e.before === e.after ? ' (unchanged)' : ''}  (${file}:${e.line})`,
  );
}

/** The seed's stderr lines: `  pkg: 0.7.0 -> 0.8.0`. */
export function formatPinLines(pins: Record<string, PinChange>): string[] {
  return Object.entries(pins).map(([k, p]) =>
    p.matched ? `  ${k}: ${p.from} -> ${p.to}` : `  ${k}: not in the Dockerfile (not_in_dockerfile), skipped`,
  );
}
