// pyproject.toml reading (smol-toml) and format-preserving edits: version bump (PEP 621 and Poetry)
// and exact pins of dependencies. Edits touch only the characters of the value they change, so
// comments, key order, quoting and indentation survive.

import { parse } from 'smol-toml';
import { ErrorCode, FerryError } from '../errors.js';

export interface PinChange {
  name: string;
  from: string;
  to: string;
}

export interface PyprojectInfo {
  name: string | null;
  version: string | null;
  /** Normalised (PEP 503) names of every declared dependency: PEP 621, optional, groups, Poetry. */
  dependencies: string[];
}

/** PEP 503 normalisation: case-insensitive, runs of - _ . are equal. */
export function normalizePyName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const REQ_NAME = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/;

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** @throws CONFIG_INVALID when the file is not valid TOML. */
export function readPyproject(text: string, file = 'pyproject.toml'): PyprojectInfo {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new FerryError(
      ErrorCode.CONFIG_INVALID,
      `${file} is not valid TOML: ${(e as Error).message.split('\n')[0]}`,
      { cause: e },
    );
  }
  const project = obj(doc.project);
  const poetry = obj(obj(doc.tool).poetry);
  const deps = new Set<string>();
  const addReq = (r: unknown): void => {
    const m = typeof r === 'string' ? REQ_NAME.exec(r) : null;
    if (m?.[1]) deps.add(normalizePyName(m[1]));
  };
  for (const r of Array.isArray(project.dependencies) ? project.dependencies : []) addReq(r);
  for (const list of Object.values(obj(project['optional-dependencies'])))
    for (const r of Array.isArray(list) ? list : []) addReq(r);
  for (const list of Object.values(obj(doc['dependency-groups'])))
    for (const r of Array.isArray(list) ? list : []) addReq(r);
  const poetryTables = [obj(poetry.dependencies), obj(poetry['dev-dependencies'])];
  for (const g of Object.values(obj(poetry.group))) poetryTables.push(obj(obj(g).dependencies));
  for (const t of poetryTables)
    for (const k of Object.keys(t)) if (k.toLowerCase() !== 'python') deps.add(normalizePyName(k));
  const name = typeof project.name === 'string' ? project.name : typeof poetry.name === 'string' ? poetry.name : null;
  const version =
    typeof project.version === 'string' ? project.version : typeof poetry.version === 'string' ? poetry.version : null;
  return { name, version, dependencies: [...deps].sort() };
}

interface Line {
  start: number;
  text: string;
  /** Dotted name of the [table] this line belongs to ('' before the first header). */
  table: string;
}

function lines(text: string): Line[] {
  const out: Line[] = [];
  let table = '';
  let start = 0;
  for (const t of text.split('\n')) {
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(t);
    if (header?.[1]) table = header[1].replace(/\s*\.\s*/g, '.').replace(/["']/g, '');
    out.push({ start, text: t, table });
    start += t.length + 1;
  }
  return out;
}

const VERSION_LINE = /^(\s*version\s*=\s*)(["'])([^"']*)\2/;

/**
 * Set `version` in [project] and [tool.poetry] (whichever declare it).
 * @returns the new text (identical when already at `version`).
 * @throws CONFIG_INVALID when neither table has a static version.
 */
export function setPyprojectVersion(text: string, version: string, file = 'pyproject.toml'): string {
  let out = text;
  let found = false;
  // Walk from the end so earlier offsets stay valid.
  for (const l of lines(text).reverse()) {
    if (l.table !== 'project' && l.table !== 'tool.poetry') continue;
    const m = VERSION_LINE.exec(l.text);
    if (!m?.[1] || !m[2]) continue;
    found = true;
    const at = l.start + m[1].length + 1;
    out = out.slice(0, at) + version + out.slice(at + (m[3] ?? '').length);
  }
  if (!found) {
    throw new FerryError(ErrorCode.CONFIG_INVALID, `${file} has no static version in [project] or [tool.poetry]`, {
      fix: `add version = "0.1.0" under [project] in ${file}`,
    });
  }
  return out;
}

/** Spans [start, end) of the string literals (content only, without quotes) inside a TOML array at `open`. */
function arrayStrings(text: string, open: number): { spans: [number, number][]; end: number } {
  const spans: [number, number][] = [];
  let depth = 0;
  let i = open;
  while (i < text.length) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const s = i + 1;
      i++;
      while (i < text.length && text[i] !== c) i += c === '"' && text[i] === '\\' ? 2 : 1;
      spans.push([s, i]);
      i++;
      continue;
    }
    if (c === '[') depth++;
    if (c === ']' && --depth === 0) return { spans, end: i + 1 };
    i++;
  }
  return { spans, end: text.length };
}

const REQ = /^(\s*)([A-Za-z0-9][A-Za-z0-9._-]*)(\s*\[[^\]]*\])?([^;]*?)(\s*;.*)?$/s;

/** Rewrite one PEP 508 requirement to `name[extras]==version; markers`, or null if it is not `name` or is a direct URL. */
export function pinRequirement(req: string, name: string, version: string): string | null {
  const m = REQ.exec(req);
  if (!m?.[2] || normalizePyName(m[2]) !== normalizePyName(name)) return null;
  const spec = (m[4] ?? '').trim();
  if (spec.startsWith('@')) return null;
  return `${m[1] ?? ''}${m[2]}${m[3] ?? ''}==${version}${m[5] ?? ''}`;
}

const PEP621_ARRAY_TABLES = (table: string, key: string): boolean =>
  (table === 'project' && key === 'dependencies') ||
  table === 'project.optional-dependencies' ||
  table === 'dependency-groups';
const POETRY_DEP_TABLE = /^tool\.poetry\.(dependencies|dev-dependencies|group\.[^.]+\.dependencies)$/;

/**
 * Pin each named dependency to exactly `==version`, keeping extras and environment markers
 * (PEP 621 dependencies, optional-dependencies, dependency-groups; Poetry dependency tables).
 * Idempotent: a pin already at `==version` is reported as no change.
 */
export function pinPyprojectDeps(
  text: string,
  pins: Readonly<Record<string, string>>,
): { text: string; changes: PinChange[] } {
  const wanted = new Map(Object.entries(pins).map(([n, v]) => [normalizePyName(n), { name: n, version: v }]));
  const edits: { start: number; end: number; value: string; change: PinChange }[] = [];
  const consider = (start: number, end: number, rewrite: (s: string, n: string, v: string) => string | null): void => {
    const before = text.slice(start, end);
    const m = REQ_NAME.exec(before);
    const pin = m?.[1] ? wanted.get(normalizePyName(m[1])) : undefined;
    if (!pin) return;
    const after = rewrite(before, pin.name, pin.version);
    if (after === null || after === before) return;
    edits.push({ start, end, value: after, change: { name: pin.name, from: before.trim(), to: after.trim() } });
  };
  for (const l of lines(text)) {
    const kv = /^(\s*)([A-Za-z0-9_."'-]+)\s*=\s*/.exec(l.text);
    if (!kv?.[2]) continue;
    const key = kv[2].replace(/["']/g, '');
    const valueAt = l.start + kv[0].length;
    if (PEP621_ARRAY_TABLES(l.table, key) && text[valueAt] === '[') {
      for (const [s, e] of arrayStrings(text, valueAt).spans) consider(s, e, pinRequirement);
    } else if (POETRY_DEP_TABLE.test(l.table) && wanted.has(normalizePyName(key))) {
      const pin = wanted.get(normalizePyName(key));
      if (!pin) continue;
      const str = /^(["'])([^"']*)\1/.exec(text.slice(valueAt));
      const inline = /^\{[^}\n]*?\bversion\s*=\s*(["'])([^"']*)\1/.exec(text.slice(valueAt));
      const m = str ?? inline;
      if (!m || m[2] === undefined) continue;
      const start = valueAt + m[0].length - 1 - m[2].length;
      const to = `==${pin.version}`;
      if (m[2] !== to)
        edits.push({ start, end: start + m[2].length, value: to, change: { name: pin.name, from: m[2], to } });
    }
  }
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.value + out.slice(e.end);
  return { text: out, changes: edits.sort((a, b) => a.start - b.start).map((e) => e.change) };
}
