// Rewriting one dependency declaration to a released version, by pin style. Pure string functions
// shared by the pyproject and package.json editors (and by the plan, which lists every rewrite).
//   exact    — Python `==X.Y.Z`, npm `X.Y.Z` (the seed's rule; Python's default)
//   preserve — keep the declared operator, move its version (`^2.1.3` → `^2.1.4`; npm's default)
// Git, path and URL declarations always become the released version: an index refuses direct URLs.

import { satisfies as pep440Satisfies } from '@renovatebot/pep440';
import semver from 'semver';

export type PinStyle = 'exact' | 'preserve';

/** What a rewrite replaced: a version pin or range, a git/path/URL source, a uv override or constraint. */
export type RewriteKind = 'pin' | 'range' | 'git' | 'path' | 'url' | 'override' | 'constraint' | 'source-removed';

export interface RequirementParts {
  /** Leading whitespace, the name and `[extras]` exactly as written. */
  head: string;
  name: string;
  /** Version specifier or `@ url` as written (with its surrounding spaces). */
  spec: string;
  /** The environment marker with its separator (` ; python_version >= "3.11"`), or ''. */
  tail: string;
}

const HEAD = /^(\s*)([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(\s*\[[^\]]*\])?/;

/** Split a PEP 508 requirement as written; null when it does not start with a name. */
export function splitRequirement(raw: string): RequirementParts | null {
  const m = HEAD.exec(raw);
  if (!m?.[2]) return null;
  const rest = raw.slice(m[0].length);
  // In a URL requirement the marker separator must follow whitespace (URLs may contain ';').
  const semi = rest.trimStart().startsWith('@') ? rest.search(/\s;/) : rest.indexOf(';');
  const specEnd = semi === -1 ? rest.length : semi;
  return { head: m[0], name: m[2], spec: rest.slice(0, specEnd), tail: rest.slice(specEnd) };
}

/** Kind of a PEP 508 URL requirement (`@ git+https://…` → git, `@ file:///…` → path, else url). */
export function urlKind(spec: string): RewriteKind | null {
  const url = /^\s*@\s*(\S+)/.exec(spec)?.[1];
  if (!url) return null;
  if (/^git\+/.test(url)) return 'git';
  if (/^file:/.test(url)) return 'path';
  return 'url';
}

const LOWER = new Set(['>=', '>', '==', '~=', '===']);

/** Python: a specifier (`>=1.4,<2`) moved to admit `version` keeping its operators; '' stays ''. */
export function preservePythonSpec(spec: string, version: string): string {
  const clauses = spec
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  const out: string[] = [];
  for (const c of clauses) {
    const m = /^(===|==|~=|>=|<=|!=|>|<)\s*(.+)$/.exec(c);
    if (!m?.[1]) {
      out.push(c);
      continue;
    }
    const op = m[1];
    if (LOWER.has(op)) out.push(`${op === '>' ? '>=' : op}${version}`);
    else if (pep440Satisfies(version, c)) out.push(c);
    // An upper bound or exclusion that refuses the new version is dropped: the new version must be admitted.
  }
  return out.join(',');
}

/**
 * Python: the requirement rewritten for `version`, or null when it needs no change. URL requirements
 * always become `==version`; `kind` says what was replaced.
 */
export function rewritePythonRequirement(
  raw: string,
  version: string,
  style: PinStyle,
): { text: string; kind: RewriteKind } | null {
  const p = splitRequirement(raw);
  if (!p) return null;
  const trailing = /\s*$/.exec(p.spec)?.[0] ?? '';
  const url = urlKind(p.spec);
  if (url) return { text: `${p.head}==${version}${p.tail.startsWith(' ') ? '' : ' '}${p.tail}`.trimEnd(), kind: url };
  const spec = p.spec.trim();
  let next: string;
  if (style === 'exact' || spec === '') next = style === 'exact' ? `==${version}` : spec;
  else next = preservePythonSpec(spec, version);
  if (next === spec) return null;
  return { text: `${p.head}${next}${trailing}${p.tail}`, kind: style === 'exact' ? 'pin' : 'range' };
}

/**
 * uv `override-dependencies`: `==version`. `constraint-dependencies`: unchanged while it admits the
 * version, else its bounds are moved so it does. null = no change.
 */
export function rewriteUvEntry(raw: string, version: string, list: 'override' | 'constraint'): string | null {
  const p = splitRequirement(raw);
  if (!p) return null;
  const spec = p.spec.trim();
  const trailing = /\s*$/.exec(p.spec)?.[0] ?? '';
  let next: string;
  if (list === 'override' || urlKind(p.spec)) next = `==${version}`;
  else if (spec !== '' && pep440Satisfies(version, spec)) return null;
  else next = preservePythonSpec(spec, version) || `>=${version}`;
  if (next === spec) return null;
  return `${p.head}${next}${trailing}${p.tail}`;
}

/** Kind of an npm dependency spec that is not a registry range (file:, link:, git URLs, GitHub shorthand). */
export function npmSourceKind(spec: string): RewriteKind | null {
  if (/^(file|link):/.test(spec)) return 'path';
  if (/^(git(\+[a-z]+)?:|github:|gitlab:|bitbucket:|gist:)/.test(spec) || /^[\w.-]+\/[\w.-]+(#.*)?$/.test(spec))
    return 'git';
  if (/^https?:/.test(spec)) return 'url';
  return null;
}

/**
 * npm: the spec rewritten for `version`, or null for no change. `workspace:` is never rewritten (the
 * package manager replaces it at publish). preserve keeps `^`, `~`, `>=`, `=`; other ranges
 * (`1.x`, `>=1 <2`, `*`) are left alone when they admit the version, else become exact.
 */
export function rewriteNpmSpec(
  spec: string,
  version: string,
  style: PinStyle,
): { text: string; kind: RewriteKind } | null {
  if (spec.startsWith('workspace:')) return null;
  const source = npmSourceKind(spec);
  if (source) return { text: version, kind: source };
  if (style === 'exact') return spec === version ? null : { text: version, kind: 'pin' };
  const m = /^(\^|~|>=|=)?v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)$/.exec(spec.trim());
  if (m) {
    const next = `${m[1] ?? ''}${version}`;
    return next === spec ? null : { text: next, kind: 'range' };
  }
  if (semver.validRange(spec) && semver.satisfies(version, spec, { includePrerelease: true })) return null;
  return { text: version, kind: 'pin' };
}
