// Where a Python package's version lives, as its build backend reads it: a static `version` key, git
// tags (setuptools-scm, hatch-vcs, uv-dynamic-versioning, poetry-dynamic-versioning: the tag IS the
// version, nothing in the repo is edited), or a module's `__version__` (hatch `[tool.hatch.version]
// path`, setuptools `attr:`, flit's module docstring/version). Anything else ferry cannot read or
// write, and says so before the gate. Pure.

import { parse as parseToml } from 'smol-toml';

export type PythonVersionSource =
  | { kind: 'static' }
  /**
   * From git tags at build time: release by tagging only. `customTags`: the project sets its own tag
   * regex (setuptools-scm `tag_regex`, hatch-vcs `tag-pattern`), so ferry cannot tell which tags it reads.
   */
  | { kind: 'vcs'; backend: string; customTags?: boolean }
  /** `__version__` in a module: the first of `candidates` (relative to the package dir) that exists. */
  | { kind: 'file'; backend: string; candidates: string[] }
  | { kind: 'unreadable'; why: string };

type Table = Record<string, unknown>;
const table = (v: unknown): Table => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Table) : {});

const VCS_REQUIRES: [RegExp, string][] = [
  [/^setuptools[-_]scm\b/i, 'setuptools-scm'],
  [/^hatch[-_]vcs\b/i, 'hatch-vcs'],
  [/^uv[-_]dynamic[-_]versioning\b/i, 'uv-dynamic-versioning'],
  [/^poetry[-_]dynamic[-_]versioning\b/i, 'poetry-dynamic-versioning'],
  [/^versioneer\b/i, 'versioneer'],
  [/^pdm[-_]backend\b/i, 'pdm-backend'],
];

/** Module `a.b` → the files that may define it, src layout first. */
function moduleFiles(module: string): string[] {
  const path = module.split('.').join('/');
  return [`src/${path}/__init__.py`, `${path}/__init__.py`, `src/${path}.py`, `${path}.py`];
}

/** Where the version of the project described by `text` (a pyproject.toml) comes from. Never throws. */
export function pythonVersionSource(text: string): PythonVersionSource {
  let doc: Table;
  try {
    doc = parseToml(text) as Table;
  } catch {
    return { kind: 'unreadable', why: 'pyproject.toml is not valid TOML' };
  }
  const project = table(doc.project);
  const tool = table(doc.tool);
  const poetry = table(tool.poetry);
  if (table(tool['poetry-dynamic-versioning']).enable === true)
    return { kind: 'vcs', backend: 'poetry-dynamic-versioning' };
  if (typeof project.version === 'string' || typeof poetry.version === 'string') return { kind: 'static' };
  const dynamic = Array.isArray(project.dynamic) && project.dynamic.includes('version');
  if (!dynamic) return { kind: 'unreadable', why: 'it has no version in [project] and no dynamic = ["version"]' };

  const requires = table(doc['build-system']).requires;
  const required = (Array.isArray(requires) ? requires : []).filter((r): r is string => typeof r === 'string');
  const vcsBackend = VCS_REQUIRES.find(([re]) => required.some((r) => re.test(r.trim())))?.[1];
  const backend = String(table(doc['build-system'])['build-backend'] ?? '');

  // hatchling: [tool.hatch.version] source = "vcs" | "uv-dynamic-versioning" | "regex" (default, with path).
  const hatch = table(table(tool.hatch).version);
  const scm = { ...table(tool.setuptools_scm), ...table(tool['setuptools-scm']), ...table(hatch['raw-options']) };
  const customTags = 'tag_regex' in scm || 'git_describe_command' in scm || 'tag-pattern' in hatch;
  if (hatch.source === 'vcs') return { kind: 'vcs', backend: 'hatch-vcs', ...(customTags ? { customTags } : {}) };
  if (hatch.source === 'uv-dynamic-versioning') return { kind: 'vcs', backend: 'uv-dynamic-versioning' };
  if (typeof hatch.path === 'string' && (hatch.source === undefined || hatch.source === 'regex')) {
    if (typeof hatch.pattern === 'string')
      return { kind: 'unreadable', why: `[tool.hatch.version] uses a custom pattern in ${hatch.path}` };
    return { kind: 'file', backend: 'hatchling', candidates: [hatch.path.replace(/^\.\//, '')] };
  }

  // setuptools: [tool.setuptools.dynamic] version = { attr = "pkg.__version__" } | { file = … }, or setuptools-scm.
  const stVersion = table(table(table(tool.setuptools).dynamic).version);
  if (typeof stVersion.attr === 'string') {
    const parts = stVersion.attr.split('.');
    const variable = parts.pop();
    if (variable !== '__version__' || parts.length === 0)
      return { kind: 'unreadable', why: `setuptools reads the version from ${stVersion.attr} (not a __version__)` };
    return { kind: 'file', backend: 'setuptools', candidates: moduleFiles(parts.join('.')) };
  }
  if (stVersion.file !== undefined)
    return { kind: 'unreadable', why: 'setuptools reads the version from a plain file (version = { file = … })' };
  if ('setuptools_scm' in tool || 'setuptools-scm' in tool)
    return { kind: 'vcs', backend: 'setuptools-scm', ...(customTags ? { customTags } : {}) };
  if (vcsBackend && vcsBackend !== 'pdm-backend') return { kind: 'vcs', backend: vcsBackend };

  // pdm-backend: [tool.pdm.version] source = "scm" | "file" (path).
  const pdm = table(table(tool.pdm).version);
  if (pdm.source === 'scm') return { kind: 'vcs', backend: 'pdm-backend' };
  if (pdm.source === 'file' && typeof pdm.path === 'string')
    return { kind: 'file', backend: 'pdm-backend', candidates: [pdm.path] };

  // flit: the version is the module's __version__ (module = [tool.flit.module] name, else the project name).
  if (/^flit_core\b/.test(backend)) {
    const name = table(table(tool.flit).module).name ?? project.name;
    if (typeof name === 'string')
      return { kind: 'file', backend: 'flit', candidates: moduleFiles(name.replace(/-/g, '_')) };
  }
  return { kind: 'unreadable', why: 'dynamic = ["version"] comes from a source ferry does not know' };
}
