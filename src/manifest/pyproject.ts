// pyproject.toml reading and format-preserving edits through the TOML editor (toml-edit.ts): the
// version (PEP 621 and Poetry, dotted keys included) and same-run dependencies rewritten to a
// released version in every place a real project declares them — PEP 621 and optional
// dependencies, PEP 735 groups, Poetry tables (version strings, git/path/url inline tables),
// `[tool.uv.sources]` entries that become unneeded, and uv overrides and constraints.

import { parse } from 'smol-toml';
import { ErrorCode, FerryError } from '../errors.js';
import { normalizePythonName } from './names.js';
import {
  rewritePythonRequirement,
  rewriteUvEntry,
  splitRequirement,
  type PinStyle,
  type RewriteKind,
} from './requirement.js';
import { isTable, lineOf, lineOfKey, parseTomlDoc, patchToml, tableAt, type TomlTable } from './toml-edit.js';

export interface PinChange {
  name: string;
  from: string;
  to: string;
  /** What was rewritten (absent in Dockerfile pins and older state files). */
  kind?: RewriteKind;
  /** The manifest, as given to the editor. */
  file?: string;
  /** 1-based line in the file before the edit. */
  line?: number;
}

/** How the version of a package is set: in the manifest, from VCS tags, or by something ferry cannot read. */
export type VersionSource = 'static' | 'vcs' | 'unreadable';

export interface PyprojectInfo {
  name: string | null;
  version: string | null;
  /** Normalised (PEP 503) names of every declared dependency: PEP 621, optional, groups, Poetry. */
  dependencies: string[];
}

function obj(v: unknown): Record<string, unknown> {
  return isTable(v) ? v : {};
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
    const p = typeof r === 'string' ? splitRequirement(r) : null;
    if (p) deps.add(normalizePythonName(p.name));
  };
  for (const r of Array.isArray(project.dependencies) ? project.dependencies : []) addReq(r);
  for (const list of Object.values(obj(project['optional-dependencies'])))
    for (const r of Array.isArray(list) ? list : []) addReq(r);
  for (const list of Object.values(obj(doc['dependency-groups'])))
    for (const r of Array.isArray(list) ? list : []) addReq(r);
  const poetryTables = [obj(poetry.dependencies), obj(poetry['dev-dependencies'])];
  for (const g of Object.values(obj(poetry.group))) poetryTables.push(obj(obj(g).dependencies));
  for (const t of poetryTables)
    for (const k of Object.keys(t)) if (k.toLowerCase() !== 'python') deps.add(normalizePythonName(k));
  const name = typeof project.name === 'string' ? project.name : typeof poetry.name === 'string' ? poetry.name : null;
  const version =
    typeof project.version === 'string' ? project.version : typeof poetry.version === 'string' ? poetry.version : null;
  return { name, version, dependencies: [...deps].sort() };
}

const VCS_BACKENDS = /^(setuptools[-_]scm|hatch[-_]vcs|uv[-_]dynamic[-_]versioning|poetry[-_]dynamic[-_]versioning)\b/i;

/**
 * Where the version comes from: `static` (a version key), `vcs` (dynamic, from git tags through
 * setuptools-scm, hatch-vcs, uv-dynamic-versioning or poetry-dynamic-versioning), or `unreadable`
 * (dynamic from something else — a module attribute, a file — that ferry does not edit).
 */
export function pyprojectVersionSource(text: string, file = 'pyproject.toml'): VersionSource {
  const doc = parseTomlDoc(text, file);
  const project = obj(doc.project);
  const tool = obj(doc.tool);
  if (typeof project.version === 'string' || typeof obj(tool.poetry).version === 'string') {
    const pdv = obj(tool['poetry-dynamic-versioning']);
    return pdv.enable === true ? 'vcs' : 'static';
  }
  const dynamic = Array.isArray(project.dynamic) && project.dynamic.includes('version');
  if (!dynamic) return 'unreadable';
  const source = obj(obj(tool.hatch).version).source;
  if (source === 'vcs' || source === 'uv-dynamic-versioning') return 'vcs';
  if (isTable(tool.setuptools_scm) || isTable(tool['setuptools-scm']) || isTable(tool['uv-dynamic-versioning']))
    return 'vcs';
  const requires = obj(doc['build-system']).requires;
  if (Array.isArray(requires) && requires.some((r) => typeof r === 'string' && VCS_BACKENDS.test(r)))
    return source === undefined && obj(obj(tool.setuptools).dynamic).version === undefined ? 'vcs' : 'unreadable';
  return 'unreadable';
}

/**
 * Set `version` in [project] and [tool.poetry] (whichever declare it, dotted keys included).
 * @returns the new text (identical when already at `version`).
 * @throws CONFIG_INVALID when neither table has a static version; MANIFEST_EDIT_FAILED when the edit missed.
 */
export function setPyprojectVersion(text: string, version: string, file = 'pyproject.toml'): string {
  const doc = parseTomlDoc(text, file);
  const targets = [tableAt(doc, ['project']), tableAt(doc, ['tool', 'poetry'])].filter(
    (t): t is TomlTable => t !== undefined && typeof t.version === 'string',
  );
  if (targets.length === 0) {
    throw new FerryError(ErrorCode.CONFIG_INVALID, `${file} has no static version in [project] or [tool.poetry]`, {
      fix: `add version = "0.1.0" under [project] in ${file}`,
    });
  }
  if (targets.every((t) => t.version === version)) return text;
  for (const t of targets) t.version = version;
  const out = patchToml(text, doc, file);
  const after = parseTomlDoc(out, file);
  for (const path of [['project'], ['tool', 'poetry']]) {
    const before = tableAt(parseTomlDoc(text, file), path)?.version;
    if (typeof before === 'string' && tableAt(after, path)?.version !== version)
      throw missed(file, `${path.join('.')}.version`, version);
  }
  return out;
}

function missed(file: string, where: string, wanted: string): FerryError {
  return new FerryError(
    ErrorCode.MANIFEST_EDIT_FAILED,
    `${file}: the edit of ${where} to ${wanted} changed nothing, though the reader found a value there`,
    { fix: `set ${where} by hand in ${file}, then run ferry again`, details: { file, key: where } },
  );
}

/** Rewrite one PEP 508 requirement to `name[extras]==version; markers` (URLs included), or null if it is not `name`. */
export function pinRequirement(req: string, name: string, version: string): string | null {
  const p = splitRequirement(req);
  if (!p || normalizePythonName(p.name) !== normalizePythonName(name)) return null;
  return rewritePythonRequirement(req, version, 'exact')?.text ?? req;
}

/** Poetry inline-table keys that say where the code comes from instead of a version. */
const POETRY_SOURCE_KEYS = ['git', 'tag', 'rev', 'branch', 'subdirectory', 'path', 'develop', 'url'];

interface Edit {
  /** Re-reads the value after the patch: it must equal `to` (undefined = removed). */
  check: (doc: TomlTable) => unknown;
  expect: unknown;
  change: PinChange;
  /** Where the reader found it: a string value as written, or a key inside a table. */
  at: { value: string } | { key: string; table: string[] };
}

export interface PinOptions {
  file?: string;
  style?: PinStyle;
}

/**
 * Rewrite each named same-run dependency for its released version wherever it is declared, keeping
 * extras, markers, comments and quoting. Git/path/URL declarations become versions and their
 * `[tool.uv.sources]` entries are removed (`workspace = true` sources stay). Idempotent.
 * @throws MANIFEST_EDIT_FAILED when a rewrite the reader found is not in the edited text.
 */
export function pinPyprojectDeps(
  text: string,
  pins: Readonly<Record<string, string>>,
  opts: PinOptions = {},
): { text: string; changes: PinChange[] } {
  const file = opts.file ?? 'pyproject.toml';
  const style = opts.style ?? 'exact';
  const wanted = new Map(Object.entries(pins).map(([n, v]) => [normalizePythonName(n), v]));
  const doc = parseTomlDoc(text, file);
  const edits: Edit[] = [];
  const lists: { path: string[]; kind: 'dep' | 'override' | 'constraint' }[] = [
    { path: ['project', 'dependencies'], kind: 'dep' },
  ];
  for (const k of Object.keys(obj(tableAt(doc, ['project'])?.['optional-dependencies'])))
    lists.push({ path: ['project', 'optional-dependencies', k], kind: 'dep' });
  for (const k of Object.keys(obj(doc['dependency-groups'])))
    lists.push({ path: ['dependency-groups', k], kind: 'dep' });
  lists.push({ path: ['tool', 'uv', 'dev-dependencies'], kind: 'dep' });
  lists.push({ path: ['tool', 'uv', 'override-dependencies'], kind: 'override' });
  lists.push({ path: ['tool', 'uv', 'constraint-dependencies'], kind: 'constraint' });
  for (const { path, kind } of lists) {
    const parent = tableAt(doc, path.slice(0, -1));
    const list = parent?.[path[path.length - 1]!];
    if (!Array.isArray(list)) continue;
    list.forEach((raw: unknown, i: number) => {
      if (typeof raw !== 'string') return;
      const p = splitRequirement(raw);
      const version = p ? wanted.get(normalizePythonName(p.name)) : undefined;
      if (!p || version === undefined) return;
      let next: { text: string; kind: RewriteKind } | null;
      if (kind === 'dep') next = rewritePythonRequirement(raw, version, style);
      else {
        const t = rewriteUvEntry(raw, version, kind);
        next = t === null ? null : { text: t, kind };
      }
      if (!next || next.text === raw) return;
      list[i] = next.text;
      edits.push({
        check: (d) => (tableAt(d, path.slice(0, -1))?.[path[path.length - 1]!] as unknown[] | undefined)?.[i],
        expect: next.text,
        at: { value: raw },
        change: { name: p.name, from: raw.trim(), to: next.text.trim(), kind: next.kind, file },
      });
    });
  }
  const poetryTables: string[][] = [
    ['tool', 'poetry', 'dependencies'],
    ['tool', 'poetry', 'dev-dependencies'],
  ];
  for (const g of Object.keys(obj(tableAt(doc, ['tool', 'poetry'])?.group)))
    poetryTables.push(['tool', 'poetry', 'group', g, 'dependencies']);
  for (const path of poetryTables) {
    const t = tableAt(doc, path);
    if (!t) continue;
    for (const [key, value] of Object.entries(t)) {
      const version = wanted.get(normalizePythonName(key));
      if (version === undefined) continue;
      const edit = poetryEdit(key, value, version, style);
      if (!edit) continue;
      t[key] = edit.value;
      edits.push({
        check: (d) => {
          const v = tableAt(d, path)?.[key];
          return isTable(v) ? v.version : v;
        },
        expect: isTable(edit.value) ? edit.value.version : edit.value,
        at: { key, table: path },
        change: { name: key, from: edit.from, to: edit.to, kind: edit.kind, file },
      });
    }
  }
  const sources = tableAt(doc, ['tool', 'uv', 'sources']);
  if (sources) {
    for (const [key, value] of Object.entries(sources)) {
      if (!wanted.has(normalizePythonName(key))) continue;
      const entries = Array.isArray(value) ? value : [value];
      if (!entries.every((e) => isTable(e) && e.workspace !== true && (e.git ?? e.path ?? e.url) !== undefined))
        continue;
      delete sources[key];
      const first = entries[0] as TomlTable;
      const what = first.git !== undefined ? 'git' : first.path !== undefined ? 'path' : 'url';
      edits.push({
        check: (d) => tableAt(d, ['tool', 'uv', 'sources'])?.[key],
        expect: undefined,
        at: { key, table: ['tool', 'uv', 'sources'] },
        change: {
          name: key,
          from: `[tool.uv.sources] ${key} = { ${what} = ${JSON.stringify(first[what])} }`,
          to: '(removed)',
          kind: 'source-removed',
          file,
        },
      });
    }
    // An emptied table means nothing; leaving `[tool.uv.sources]` with no entries reads as a mistake.
    // The same for the tables above it (toml-patch would write an empty `[tool.uv]` header).
    if (Object.keys(sources).length === 0) {
      const tool = tableAt(doc, ['tool']);
      const uv = tableAt(doc, ['tool', 'uv']);
      if (uv) delete uv.sources;
      if (tool && uv && Object.keys(uv).length === 0) delete tool.uv;
      if (tool && Object.keys(tool).length === 0) delete doc.tool;
    }
  }
  if (edits.length === 0) return { text, changes: [] };
  const out = patchToml(text, doc, file);
  const after = parseTomlDoc(out, file);
  const used = new Set<number>();
  for (const e of edits) {
    if (e.check(after) !== e.expect) throw missed(file, `the declaration of ${e.change.name}`, e.change.to);
    const line = 'value' in e.at ? lineOf(text, e.at.value, used) : lineOfKey(text, e.at.key, e.at.table);
    if (line !== null) e.change.line = line;
  }
  return { text: out, changes: edits.map((e) => e.change) };
}

function poetryEdit(
  key: string,
  value: unknown,
  version: string,
  style: PinStyle,
): { value: unknown; from: string; to: string; kind: RewriteKind } | null {
  const target = (spec: string): string | null => {
    if (style === 'exact') return spec === `==${version}` ? null : `==${version}`;
    const m = /^(\^|~=|~|>=|==)?\s*\d[^,\s]*$/.exec(spec.trim());
    const next = m ? `${m[1] ?? ''}${version}` : spec.trim() === '' || spec === '*' ? spec : `==${version}`;
    return next === spec ? null : next;
  };
  if (typeof value === 'string') {
    const to = target(value);
    return to === null
      ? null
      : {
          value: to,
          from: `${key} = ${JSON.stringify(value)}`,
          to: `${key} = ${JSON.stringify(to)}`,
          kind: style === 'exact' ? 'pin' : 'range',
        };
  }
  if (!isTable(value)) return null;
  const source = POETRY_SOURCE_KEYS.find((k) => value[k] !== undefined);
  if (source) {
    const kind: RewriteKind = value.git !== undefined ? 'git' : value.path !== undefined ? 'path' : 'url';
    const rest = Object.fromEntries(
      Object.entries(value).filter(([k]) => !POETRY_SOURCE_KEYS.includes(k) && k !== 'version'),
    );
    const pinned = `==${version}`;
    const from = `${key} = { ${Object.entries(value)
      .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
      .join(', ')} }`;
    if (Object.keys(rest).length === 0) return { value: pinned, from, to: `${key} = ${JSON.stringify(pinned)}`, kind };
    for (const k of POETRY_SOURCE_KEYS) delete value[k];
    value.version = pinned;
    return { value, from, to: `${key} = { version = ${JSON.stringify(pinned)}, … }`, kind };
  }
  if (typeof value.version !== 'string') return null;
  const to = target(value.version);
  if (to === null) return null;
  const from = value.version;
  value.version = to;
  return {
    value,
    from: `${key}.version = ${JSON.stringify(from)}`,
    to: `${key}.version = ${JSON.stringify(to)}`,
    kind: style === 'exact' ? 'pin' : 'range',
  };
}
