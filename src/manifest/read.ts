// Read a package's identity and declared dependencies from pyproject.toml (PEP 621 or Poetry) or
// package.json. Read-only: editing manifests (bump, pin) is format-preserving and lives elsewhere.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { ErrorCode, FerryError } from '../errors.js';
import { normalizePythonName } from './names.js';

export type Ecosystem = 'python' | 'npm';

/**
 * Which table a dependency was declared in. `optional`: extras, poetry `optional = true` entries,
 * npm optionalDependencies and optional peers. Only `main` and `peer` order releases (see config/edges.ts).
 */
export type DependencyGroup = 'main' | 'optional' | 'dev' | 'peer';

export interface DependencyRef {
  /** Name as written (PEP 508 name without extras/markers, or the package.json key). */
  name: string;
  /** Name used for matching: PEP 503 for Python, the name itself for npm. */
  key: string;
  /** Version constraint as written (`>=1.2`, `^1.0.0`, `==1.2.3`, or '' when none). */
  spec: string;
  group: DependencyGroup;
  /** Extra name for optional-dependencies, Poetry group name for dev groups, `peer` for an npm optional peer. */
  extra?: string;
}

export interface Manifest {
  ecosystem: Ecosystem;
  /** Absolute path of the manifest file. */
  file: string;
  name: string;
  /** null when the version is dynamic or absent. */
  version: string | null;
  /** Where the version came from (`project`, `tool.poetry`, `package.json`). */
  versionSource: 'project' | 'tool.poetry' | 'package.json' | null;
  dependencies: DependencyRef[];
  /** npm `workspaces` globs (array form or `{ packages: [...] }`). */
  workspaces: string[];
  private: boolean;
}

export { normalizePythonName };

/** Key for matching a package name within its ecosystem. */
export function packageKey(ecosystem: Ecosystem, name: string): string {
  return ecosystem === 'python' ? normalizePythonName(name) : name.trim();
}

export interface Pep508 {
  name: string;
  extras: string[];
  /** Version specifier (`>=1.0,<2`), URL (`@ https://…`) or ''. */
  spec: string;
  marker: string;
}

const PEP508_NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*/;

/** Parse a PEP 508 requirement string (`name[extra] (>=1,<2) ; python_version>"3.8"`). */
export function parsePep508(requirement: string): Pep508 | null {
  const m = PEP508_NAME.exec(requirement);
  if (!m) return null;
  const name = m[1] as string;
  let rest = requirement.slice(m[0].length);
  let extras: string[] = [];
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) return null;
    extras = rest
      .slice(1, close)
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    rest = rest.slice(close + 1);
  }
  let marker = '';
  // In a URL requirement (`name @ url`) the marker separator must follow whitespace, since URLs may
  // contain ';'; in a version requirement the first ';' starts the marker.
  const semi = rest.trimStart().startsWith('@') ? rest.search(/\s;/) + 1 : rest.indexOf(';');
  if (semi > 0 || (semi === 0 && !rest.trimStart().startsWith('@'))) {
    marker = rest.slice(semi + 1).trim();
    rest = rest.slice(0, semi);
  }
  let spec = rest.trim();
  if (spec.startsWith('(') && spec.endsWith(')')) spec = spec.slice(1, -1).trim();
  return { name, extras, spec, marker };
}

type Table = Record<string, unknown>;

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(file: string, what: string): FerryError {
  return new FerryError(ErrorCode.CONFIG_INVALID, `${file}: ${what}`, { fix: `edit ${file}`, details: { file } });
}

function pep508Refs(file: string, list: unknown, group: DependencyGroup, extra?: string): DependencyRef[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw invalid(file, `expected a list of requirement strings${extra ? ` in ${extra}` : ''}`);
  const out: DependencyRef[] = [];
  for (const item of list) {
    if (typeof item !== 'string') throw invalid(file, `expected a requirement string, got ${JSON.stringify(item)}`);
    const req = parsePep508(item);
    if (!req) throw invalid(file, `invalid PEP 508 requirement ${JSON.stringify(item)}`);
    out.push({
      name: req.name,
      key: normalizePythonName(req.name),
      spec: req.spec,
      group,
      ...(extra ? { extra } : {}),
    });
  }
  return out;
}

function poetryRefs(table: unknown, group: DependencyGroup, extra?: string): DependencyRef[] {
  if (!isTable(table)) return [];
  const out: DependencyRef[] = [];
  for (const [name, value] of Object.entries(table)) {
    if (name.toLowerCase() === 'python') continue;
    let spec = '';
    if (typeof value === 'string') spec = value;
    else if (isTable(value) && typeof value.version === 'string') spec = value.version;
    // `{ version = "…", optional = true }` is installed only through a [tool.poetry.extras] entry.
    const g = group === 'main' && isTable(value) && value.optional === true ? 'optional' : group;
    out.push({ name, key: normalizePythonName(name), spec, group: g, ...(extra ? { extra } : {}) });
  }
  return out;
}

// Never uploaded: uv's virtual projects (`[tool.uv] package = false`) and the classifier PyPI itself
// refuses, which projects add so nobody publishes them by mistake.
function pythonPrivate(project: Table | undefined, tool: Table): boolean {
  const uv = isTable(tool.uv) ? tool.uv : {};
  const classifiers = Array.isArray(project?.classifiers) ? project.classifiers : [];
  return uv.package === false || classifiers.some((c) => typeof c === 'string' && c.startsWith('Private ::'));
}

/** Parse pyproject.toml text (PEP 621 `[project]` first, Poetry `[tool.poetry]` as fallback and addition). */
export function parsePyproject(text: string, file: string): Manifest {
  let doc: Table;
  try {
    doc = parseToml(text) as Table;
  } catch (e) {
    throw new FerryError(ErrorCode.CONFIG_INVALID, `${file}: invalid TOML: ${(e as Error).message.split('\n')[0]}`, {
      fix: `edit ${file}`,
      cause: e,
      details: { file },
    });
  }
  const project = isTable(doc.project) ? doc.project : undefined;
  const tool = isTable(doc.tool) ? doc.tool : {};
  const poetry = isTable(tool.poetry) ? tool.poetry : undefined;
  const name =
    typeof project?.name === 'string' ? project.name : typeof poetry?.name === 'string' ? poetry.name : undefined;
  if (!name) throw invalid(file, 'no [project] name or [tool.poetry] name');

  let version: string | null = null;
  let versionSource: Manifest['versionSource'] = null;
  if (typeof project?.version === 'string') {
    version = project.version;
    versionSource = 'project';
  } else if (typeof poetry?.version === 'string') {
    version = poetry.version;
    versionSource = 'tool.poetry';
  }

  const deps: DependencyRef[] = [];
  if (project) {
    deps.push(...pep508Refs(file, project.dependencies, 'main'));
    if (isTable(project['optional-dependencies'])) {
      for (const [extra, list] of Object.entries(project['optional-dependencies'])) {
        deps.push(...pep508Refs(file, list, 'optional', extra));
      }
    }
  }
  if (isTable(doc['dependency-groups'])) {
    for (const [g, list] of Object.entries(doc['dependency-groups'])) {
      // PEP 735 groups may include `{include-group = ...}` tables; only strings are requirements.
      const reqs = Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
      deps.push(...pep508Refs(file, reqs, 'dev', g));
    }
  }
  if (poetry) {
    deps.push(...poetryRefs(poetry.dependencies, 'main'));
    deps.push(...poetryRefs(poetry['dev-dependencies'], 'dev'));
    if (isTable(poetry.group)) {
      for (const [g, t] of Object.entries(poetry.group)) {
        if (isTable(t)) deps.push(...poetryRefs(t.dependencies, 'dev', g));
      }
    }
  }
  return {
    ecosystem: 'python',
    file,
    name,
    version,
    versionSource,
    dependencies: deps,
    workspaces: [],
    private: pythonPrivate(project, tool),
  };
}

/** Parse package.json text. */
export function parsePackageJson(text: string, file: string): Manifest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new FerryError(ErrorCode.CONFIG_INVALID, `${file}: invalid JSON: ${(e as Error).message}`, {
      fix: `edit ${file}`,
      cause: e,
      details: { file },
    });
  }
  if (!isTable(doc)) throw invalid(file, 'expected a JSON object');
  const name = typeof doc.name === 'string' ? doc.name : '';
  const deps: DependencyRef[] = [];
  const groups: [string, DependencyGroup][] = [
    ['dependencies', 'main'],
    ['optionalDependencies', 'optional'],
    ['devDependencies', 'dev'],
    ['peerDependencies', 'peer'],
  ];
  for (const [field, group] of groups) {
    const t = doc[field];
    if (!isTable(t)) continue;
    const meta = isTable(doc.peerDependenciesMeta) ? doc.peerDependenciesMeta : {};
    for (const [dep, spec] of Object.entries(t)) {
      // A peer marked `peerDependenciesMeta.<dep>.optional` is not installed with the package.
      const optionalPeer = group === 'peer' && isTable(meta[dep]) && meta[dep].optional === true;
      const ref: DependencyRef = { name: dep, key: dep, spec: typeof spec === 'string' ? spec : '', group };
      deps.push(optionalPeer ? { ...ref, group: 'optional', extra: 'peer' } : ref);
    }
  }
  let workspaces: string[] = [];
  if (Array.isArray(doc.workspaces)) workspaces = doc.workspaces.filter((w): w is string => typeof w === 'string');
  else if (isTable(doc.workspaces) && Array.isArray(doc.workspaces.packages)) {
    workspaces = doc.workspaces.packages.filter((w): w is string => typeof w === 'string');
  }
  return {
    ecosystem: 'npm',
    file,
    name,
    version: typeof doc.version === 'string' ? doc.version : null,
    versionSource: typeof doc.version === 'string' ? 'package.json' : null,
    dependencies: deps,
    workspaces,
    private: doc.private === true,
  };
}

export function readPyproject(file: string): Manifest {
  return parsePyproject(readFileSync(file, 'utf8'), file);
}

export function readPackageJson(file: string): Manifest {
  return parsePackageJson(readFileSync(file, 'utf8'), file);
}

/**
 * Read the manifest of a package directory for the given ecosystem, or null when it has none.
 * @throws FerryError CONFIG_INVALID when the manifest exists but cannot be parsed.
 */
export function readManifest(dir: string, ecosystem: Ecosystem): Manifest | null {
  const file = join(dir, ecosystem === 'python' ? 'pyproject.toml' : 'package.json');
  if (!existsSync(file)) return null;
  return ecosystem === 'python' ? readPyproject(file) : readPackageJson(file);
}
