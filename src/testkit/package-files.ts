// File contents for fixture packages: a setuptools src-layout Python package that builds with
// `python3 -m build --no-isolation`, and a plain CommonJS npm package. Pure: name → {path: text}.

export type FixtureEcosystem = 'python' | 'npm';

/** `omnibase-core` / `omnibase_core` → `omnibase_core` (the import name). */
export function pythonModule(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

export interface DepPin {
  name: string;
  /** Full constraint: `>=1.2.0` (python) or `^1.2.0` (npm). */
  spec: string;
}

export function pyprojectToml(name: string, version: string, deps: readonly DepPin[]): string {
  const depLines = deps.map((d) => `    "${d.name}${d.spec}",`);
  return [
    '[build-system]',
    'requires = ["setuptools>=61"]',
    'build-backend = "setuptools.build_meta"',
    '',
    '[project]',
    `name = "${name}"`,
    `version = "${version}"`,
    `description = "${name} (ferry test fixture)"`,
    'requires-python = ">=3.8"',
    deps.length === 0 ? 'dependencies = []' : ['dependencies = [', ...depLines, ']'].join('\n'),
    '',
    '[tool.setuptools.packages.find]',
    'where = ["src"]',
    '',
  ].join('\n');
}

export function pythonPackageFiles(name: string, version: string, deps: readonly DepPin[]): Record<string, string> {
  const mod = pythonModule(name);
  return {
    'pyproject.toml': pyprojectToml(name, version, deps),
    'README.md': `# ${name}\n\nA ferry test fixture package.\n`,
    [`src/${mod}/__init__.py`]: `"""${name}: a ferry test fixture package."""\n`,
  };
}

export function packageJson(
  name: string,
  version: string,
  deps: readonly DepPin[],
  extra: Record<string, unknown> = {},
): string {
  const body: Record<string, unknown> = {
    name,
    version,
    description: `${name} (ferry test fixture)`,
    main: 'index.js',
    license: 'MIT',
    ...extra,
  };
  if (deps.length > 0) body.dependencies = Object.fromEntries(deps.map((d) => [d.name, d.spec]));
  return `${JSON.stringify(body, null, 2)}\n`;
}

export function npmPackageFiles(name: string, version: string, deps: readonly DepPin[]): Record<string, string> {
  return {
    'package.json': packageJson(name, version, deps),
    'index.js': `'use strict';\nmodule.exports = { name: ${JSON.stringify(name)} };\n`,
    'README.md': `# ${name}\n\nA ferry test fixture package.\n`,
  };
}

export const REPO_GITIGNORE = ['dist/', 'build/', '*.egg-info/', '__pycache__/', 'node_modules/', '.venv/', ''].join(
  '\n',
);
