// Where a repo's packages live besides its root: npm/yarn `workspaces`, `pnpm-workspace.yaml`, a uv
// workspace's `members`/`exclude`, and, for a Python repo with no workspace tool, every
// pyproject.toml in its sub-folders (`packages/foo`, `libs/*`). Read-only; used by discovery.

import { existsSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';

const SKIP_DIRS = new Set(['node_modules', '__pycache__', 'dist', 'build', 'venv', 'site-packages']);
// Sub-folders whose pyproject.toml files are examples, fixtures or docs of the repo, never its releases.
const NOT_RELEASED = /^(tests?|testing|examples?|samples?|fixtures|docs?|benchmarks?|bench)$/i;
// `packages/foo/pyproject.toml` is depth 2; `libs/python/foo/pyproject.toml` depth 3.
const PYTHON_MEMBER_DEPTH = 3;

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function subdirs(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  // The entry's type comes with the listing (no stat per entry); only a symlink is followed to see what it names.
  return entries
    .filter(
      (e) =>
        !e.name.startsWith('.') &&
        !SKIP_DIRS.has(e.name) &&
        (e.isDirectory() || (e.isSymbolicLink() && isDir(join(dir, e.name)))),
    )
    .map((e) => e.name)
    .sort();
}

const posix = (p: string): string => (p === '' ? '.' : p.split(sep).join('/'));

function globToRegExp(segment: string): RegExp {
  const body = segment
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/**
 * Expand workspace globs (`packages/*`, `apps/**`, literal paths, `!negations`) to the member dirs
 * (relative, posix) that hold `manifestFile`. The repo root itself is never a member.
 */
export function expandMembers(repoDir: string, patterns: readonly string[], manifestFile = 'package.json'): string[] {
  const found = new Set<string>();
  const excluded = new Set<string>();
  const match = (dir: string, segs: string[], into: Set<string>): void => {
    if (segs.length === 0) {
      if (existsSync(join(dir, manifestFile))) into.add(posix(relative(repoDir, dir)));
      return;
    }
    const [head, ...rest] = segs as [string, ...string[]];
    if (head === '**') {
      match(dir, rest, into);
      for (const d of subdirs(dir)) match(join(dir, d), segs, into);
    } else if (/[*?]/.test(head)) {
      const re = globToRegExp(head);
      for (const d of subdirs(dir)) if (re.test(d)) match(join(dir, d), rest, into);
    } else if (head === '.' || head === '') {
      match(dir, rest, into);
    } else if (isDir(join(dir, head))) {
      match(join(dir, head), rest, into);
    }
  };
  for (const p of patterns) {
    const neg = p.startsWith('!');
    const segs = (neg ? p.slice(1) : p).replace(/^\.\//, '').replace(/\/+$/, '').split('/');
    match(repoDir, segs, neg ? excluded : found);
  }
  return [...found].filter((m) => !excluded.has(m) && m !== '.').sort();
}

/**
 * The `packages:` globs of a repo's `pnpm-workspace.yaml` (empty when it has none).
 * @returns null when the file exists but is not YAML with a list of strings (the caller warns).
 */
export function pnpmWorkspacePatterns(repoDir: string): string[] | null {
  const file = join(repoDir, 'pnpm-workspace.yaml');
  if (!existsSync(file)) return [];
  try {
    const doc = parseYaml(readFileSync(file, 'utf8')) as { packages?: unknown } | null;
    const list = doc?.packages;
    if (list === undefined) return [];
    return Array.isArray(list) && list.every((x) => typeof x === 'string') ? list : null;
  } catch {
    return null;
  }
}

export interface PyprojectShape {
  /** `[tool.uv.workspace]` members and exclude globs, when the file declares a uv workspace. */
  uvWorkspace: { members: string[]; exclude: string[] } | null;
  /** A `[project]` or `[tool.poetry]` name: the file describes a package. */
  named: boolean;
  hasBuildSystem: boolean;
}

/** What a pyproject.toml is, read without the package checks of readManifest; null when it is not TOML. */
export function pyprojectShape(file: string): PyprojectShape | null {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  const table = (v: unknown): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const tool = table(doc.tool);
  const ws = table(table(tool.uv).workspace);
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  const uvWorkspace =
    'workspace' in table(tool.uv) ? { members: strings(ws.members), exclude: strings(ws.exclude) } : null;
  const named = typeof table(doc.project).name === 'string' || typeof table(tool.poetry).name === 'string';
  return { uvWorkspace, named, hasBuildSystem: 'build-system' in doc };
}

/** Members of a uv workspace: dirs matching `members` and not `exclude` that hold a pyproject.toml. */
export function uvMembers(repoDir: string, ws: { members: string[]; exclude: string[] }): string[] {
  return expandMembers(repoDir, [...ws.members, ...ws.exclude.map((e) => `!${e}`)], 'pyproject.toml');
}

/**
 * pyproject.toml packages in the sub-folders of a repo with no workspace tool, up to three levels
 * deep. A package's own folder is not searched further, and test, example, fixture and docs folders
 * are skipped: their projects are not the repo's releases.
 */
export function pythonSubfolderMembers(repoDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    for (const d of subdirs(dir)) {
      if (NOT_RELEASED.test(d)) continue;
      const sub = join(dir, d);
      if (existsSync(join(sub, 'pyproject.toml'))) out.push(posix(relative(repoDir, sub)));
      else if (depth < PYTHON_MEMBER_DEPTH) walk(sub, depth + 1);
    }
  };
  walk(repoDir, 1);
  return out.sort();
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? (doc as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The npm workspace globs of a repo: package.json `workspaces` (array or `{ packages }`) and pnpm-workspace.yaml. */
export function npmWorkspacePatterns(repoDir: string): string[] {
  const ws = readJson(join(repoDir, 'package.json'))?.workspaces;
  const list = Array.isArray(ws)
    ? ws
    : Array.isArray((ws as { packages?: unknown })?.packages)
      ? (ws as { packages: unknown[] }).packages
      : [];
  return [...list.filter((w): w is string => typeof w === 'string'), ...(pnpmWorkspacePatterns(repoDir) ?? [])];
}

/** name → version of every npm workspace member of a checkout (what `workspace:` specs resolve to). */
export function npmWorkspaceVersions(repoDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const member of expandMembers(repoDir, npmWorkspacePatterns(repoDir), 'package.json')) {
    const doc = readJson(join(repoDir, member, 'package.json'));
    if (typeof doc?.name === 'string' && typeof doc.version === 'string') out.set(doc.name, doc.version);
  }
  return out;
}
