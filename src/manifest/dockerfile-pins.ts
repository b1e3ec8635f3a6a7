// Dockerfile pin editor (seed: update-plugin-pins.py). Rewrites `pkg==X` / `pkg[extra]==X` inside
// `RUN … pip install …` instructions (continuation lines included) and `ARG <PKG>_VERSION=X`,
// preserving every other byte. Pure: text in, text + report out.

import { ErrorCode, FerryError } from '../errors.js';
import { normalizePythonName } from './names.js';

export interface PinChange {
  /** Version found in the Dockerfile (first occurrence), or null when the package is not pinned there. */
  from: string | null;
  to: string;
  matched: boolean;
}

export interface PinEditResult {
  content: string;
  changed: boolean;
  /** Keyed by the package name as requested. */
  pins: Record<string, PinChange>;
}

export interface PinEditOptions {
  /** Report unmatched packages with matched:false instead of throwing PIN_UNMATCHED. */
  allowUnmatched?: boolean;
  /** For the error's fix hint. */
  file?: string;
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

// A requirement token inside a pip install command: name, optional [extras], ==, version.
const REQ = /(^|[\s"'])([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(\[[^\]\s]*\])?==([^\s"'\\;&|)]+)/g;
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
 * @throws PIN_UNMATCHED when a requested package is pinned nowhere (unless allowUnmatched).
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
  const note = (name: string, from: string): void => {
    if (found[name] === null) found[name] = from;
  };

  const lines = content.split('\n');
  for (const block of pipRunBlocks(lines)) {
    for (const n of block) {
      lines[n] = (lines[n] as string).replace(
        REQ,
        (whole, pre: string, name: string, extras: string | undefined, ver: string) => {
          const req = wanted.get(normalizeName(name));
          // `pkg==${PKG_VERSION}` is driven by its ARG line, which is rewritten below.
          if (!req || ver.startsWith('$')) return whole;
          note(req, ver);
          return `${pre}${name}${extras ?? ''}==${versions[req]}`;
        },
      );
    }
  }
  for (let n = 0; n < lines.length; n++) {
    const m = ARG_LINE.exec(lines[n] as string);
    const req = m ? byArg.get((m[2] as string).toUpperCase()) : undefined;
    if (!m || !req) continue;
    note(req, m[4] as string);
    lines[n] = (lines[n] as string).replace(ARG_LINE, `${m[1]}${m[2]}=${m[3]}${versions[req]}${m[5]}`);
  }

  const unmatched = Object.keys(versions).filter((n) => found[n] === null);
  if (unmatched.length && !opts.allowUnmatched) {
    throw new FerryError(
      ErrorCode.PIN_UNMATCHED,
      `no pin for ${unmatched.join(', ')} in ${opts.file ?? 'the Dockerfile'} (looked for pkg==X in RUN pip install lines and ARG <PKG>_VERSION=X)`,
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
  return { content: out, changed: out !== content, pins };
}

/** The seed's stderr lines: `  pkg: 0.7.0 -> 0.8.0`. */
export function formatPinLines(pins: Record<string, PinChange>): string[] {
  return Object.entries(pins).map(([k, p]) =>
    p.matched ? `  ${k}: ${p.from} -> ${p.to}` : `  ${k}: not pinned (unmatched) -> ${p.to}`,
  );
}
