// package.json reading and format-preserving edits (version, exact dependency versions).
// A tiny scanner records where each top-level string value sits, so an edit rewrites only that
// value: indentation, key order, compact arrays and the trailing newline stay as they were.

import type { PinChange } from './pyproject.js';
import { rewriteNpmSpec, type PinStyle } from './requirement.js';
import { ErrorCode, FerryError } from '../errors.js';

export const NPM_DEP_FIELDS = ['dependencies', 'peerDependencies', 'devDependencies', 'optionalDependencies'] as const;

export interface PackageJsonInfo {
  name: string | null;
  version: string | null;
  private: boolean;
  /** Every dependency name across NPM_DEP_FIELDS (sorted, unique). */
  dependencies: string[];
  /** `workspaces` globs (array form or { packages }). */
  workspaces: string[];
}

/** @throws CONFIG_INVALID when the text is not JSON. */
export function readPackageJson(text: string, file = 'package.json'): PackageJsonInfo {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new FerryError(ErrorCode.CONFIG_INVALID, `${file} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const deps = new Set<string>();
  for (const f of NPM_DEP_FIELDS) {
    const v = doc[f];
    if (v && typeof v === 'object') for (const k of Object.keys(v)) deps.add(k);
  }
  const ws = doc.workspaces;
  const workspaces = Array.isArray(ws)
    ? ws
    : Array.isArray((ws as { packages?: unknown } | undefined)?.packages)
      ? (ws as { packages: unknown[] }).packages
      : [];
  return {
    name: typeof doc.name === 'string' ? doc.name : null,
    version: typeof doc.version === 'string' ? doc.version : null,
    private: doc.private === true,
    dependencies: [...deps].sort(),
    workspaces: workspaces.filter((w): w is string => typeof w === 'string'),
  };
}

/** Span [start, end) of a string value's content (inside the quotes), keyed by its JSON path. */
interface StringSpan {
  path: string[];
  start: number;
  end: number;
}

// Records string values at depth ≤ 2 (top-level fields and members of top-level objects).
function scanStrings(text: string): StringSpan[] {
  const out: StringSpan[] = [];
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
  };
  const str = (): [number, number] => {
    const s = ++i;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    return [s, i++];
  };
  const value = (path: string[]): void => {
    ws();
    const c = text[i];
    if (c === '"') {
      const [s, e] = str();
      if (path.length <= 2) out.push({ path, start: s, end: e });
    } else if (c === '{') {
      i++;
      ws();
      while (text[i] !== '}' && i < text.length) {
        const [ks, ke] = str();
        const key = JSON.parse(`"${text.slice(ks, ke)}"`) as string;
        ws();
        i++; // ':'
        value([...path, key]);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '[') {
      i++;
      ws();
      let n = 0;
      while (text[i] !== ']' && i < text.length) {
        value([...path, String(n++)]);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else {
      while (i < text.length && !/[,}\]\s]/.test(text[i] ?? '')) i++;
    }
  };
  value([]);
  return out;
}

function replaceSpans(text: string, edits: { start: number; end: number; value: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.value + out.slice(e.end);
  return out;
}

/**
 * Set the top-level "version". @throws CONFIG_INVALID when there is none.
 */
export function setPackageJsonVersion(text: string, version: string, file = 'package.json'): string {
  readPackageJson(text, file);
  const span = scanStrings(text).find((s) => s.path.length === 1 && s.path[0] === 'version');
  if (!span)
    throw new FerryError(ErrorCode.CONFIG_INVALID, `${file} has no "version" field`, {
      fix: `add "version": "0.1.0" to ${file}`,
    });
  return replaceSpans(text, [{ start: span.start, end: span.end, value: version }]);
}

/**
 * Rewrite each named dependency for its released version in every dependency field that lists it:
 * `file:`/`link:`/git specs become the exact version; ranges follow `style` (exact `1.2.4`, or
 * preserve `^1.2.3` → `^1.2.4`); `workspace:` is never rewritten. Each change names its line.
 */
export function pinPackageJsonDeps(
  text: string,
  pins: Readonly<Record<string, string>>,
  file = 'package.json',
  style: PinStyle = 'exact',
): { text: string; changes: PinChange[] } {
  readPackageJson(text, file);
  const edits: { start: number; end: number; value: string }[] = [];
  const changes: PinChange[] = [];
  for (const s of scanStrings(text)) {
    const [field, dep] = s.path;
    if (s.path.length !== 2 || !dep || !(NPM_DEP_FIELDS as readonly string[]).includes(field ?? '')) continue;
    const version = pins[dep];
    if (version === undefined) continue;
    const from = JSON.parse(`"${text.slice(s.start, s.end)}"`) as string;
    const next = rewriteNpmSpec(from, version, style);
    if (!next) continue;
    edits.push({ start: s.start, end: s.end, value: next.text });
    const line = text.slice(0, s.start).split('\n').length;
    changes.push({ name: dep, from, to: next.text, kind: next.kind, file, line });
  }
  return { text: replaceSpans(text, edits), changes };
}
