// Same-run dependency rewrites through the TOML editor: git/path/URL declarations (poetry inline
// tables, PEP 508 direct references, [tool.uv.sources]), uv overrides and constraints, dotted keys,
// pin styles, npm file:/git specs; and an edit that misses is an error, never "0 changes".
import { describe, expect, it } from 'vitest';
import { parse } from 'smol-toml';
import { pinPyprojectDeps, pyprojectVersionSource, setPyprojectVersion } from '../src/manifest/pyproject.js';
import { pinPackageJsonDeps } from '../src/manifest/package-json.js';
import { preservePythonSpec, rewriteNpmSpec } from '../src/manifest/requirement.js';

const GIT_DEPS = `[project]
name = "acme-app"
version = "0.3.0"
dependencies = [
    "acme-core @ git+https://git.acme.test/acme/core.git@v1.0.0",  # until core is on the index
    "requests>=2",
]

[tool.poetry.dependencies]
python = ">=3.8"
acme_util = { git = "https://git.acme.test/acme/util.git", tag = "v0.4.0" }
acme-log = { path = "../acme-log", develop = true, extras = ["json"] }

[tool.uv.sources]
acme-core = { git = "https://git.acme.test/acme/core.git", tag = "v1.0.0" }
acme-ws = { workspace = true }

[tool.uv]
override-dependencies = ["acme-core==1.0.0"]
constraint-dependencies = ["acme-util>=0.4,<0.5", "acme-log<2"]
`;

describe('pyproject rewrites of same-run dependencies', () => {
  const pins = { 'acme-core': '1.1.0', 'acme-util': '0.5.0', 'acme-log': '1.2.0', 'acme-ws': '3.0.0' };

  it('turns git, path and URL declarations into versions and drops the unneeded uv source', () => {
    const { text, changes } = pinPyprojectDeps(GIT_DEPS, pins);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a TOML document read field by field
    const doc = parse(text) as Record<string, any>;
    expect(doc.project.dependencies).toEqual(['acme-core==1.1.0', 'requests>=2']);
    expect(doc.tool.poetry.dependencies.acme_util).toBe('==0.5.0');
    expect(doc.tool.poetry.dependencies['acme-log']).toEqual({ extras: ['json'], version: '==1.2.0' });
    // The workspace source stays: the workspace is still where development gets acme-ws from.
    expect(doc.tool.uv.sources).toEqual({ 'acme-ws': { workspace: true } });
    expect(doc.tool.uv['override-dependencies']).toEqual(['acme-core==1.1.0']);
    expect(doc.tool.uv['constraint-dependencies']).toEqual(['acme-util>=0.5.0', 'acme-log<2']);
    // Comments and untouched lines survive byte for byte.
    expect(text).toContain('"acme-core==1.1.0",  # until core is on the index');
    expect(text).toContain('[tool.uv]\noverride-dependencies');
    expect(changes.map((c) => [c.name, c.kind, c.line])).toEqual([
      ['acme-core', 'git', 5],
      ['acme-core', 'override', 19],
      ['acme-util', 'constraint', 20],
      ['acme_util', 'git', 11],
      ['acme-log', 'path', 12],
      ['acme-core', 'source-removed', 15],
    ]);
    // Idempotent: a second pass changes nothing.
    expect(pinPyprojectDeps(text, pins)).toEqual({ text, changes: [] });
  });

  it('removes an emptied [tool.uv.sources] table', () => {
    const src = `[project]\nname = "a"\nversion = "1.0"\ndependencies = ["acme-core"]\n\n[tool.uv.sources]\nacme-core = { path = "../core" }\n`;
    const { text } = pinPyprojectDeps(src, { 'acme-core': '2.0.0' });
    expect(text).not.toContain('tool.uv.sources');
    // Nor an empty `[tool.uv]` above it; a [tool.uv] with other keys stays.
    expect(text).toBe('[project]\nname = "a"\nversion = "1.0"\ndependencies = ["acme-core==2.0.0"]\n');
    const managed = src.replace('\n[tool.uv.sources]', '\n[tool.uv]\nmanaged = true\n\n[tool.uv.sources]');
    expect(pinPyprojectDeps(managed, { 'acme-core': '2.0.0' }).text).toContain('[tool.uv]\nmanaged = true\n');
    expect((parse(text) as { project: { dependencies: string[] } }).project.dependencies).toEqual(['acme-core==2.0.0']);
  });

  it('edits dotted keys and multi-line arrays with comments', () => {
    const src = `project.name = "x"\nproject.version = "1.0.0" # v\nproject.dependencies = [\n  # core first\n  "Acme.Core>=1",\n]\n`;
    expect(setPyprojectVersion(src, '1.1.0')).toBe(src.replace('"1.0.0" # v', '"1.1.0" # v'));
    const { text } = pinPyprojectDeps(src, { 'acme-core': '2.0.0' });
    expect(text).toBe(src.replace('"Acme.Core>=1"', '"Acme.Core==2.0.0"'));
  });

  it('preserve style keeps operators and moves bounds that refuse the new version', () => {
    expect(preservePythonSpec('>=1.4,<2', '1.5.0')).toBe('>=1.5.0,<2');
    expect(preservePythonSpec('~=0.50', '0.51.0')).toBe('~=0.51.0');
    expect(preservePythonSpec('>=0.50,<0.51', '0.51.0')).toBe('>=0.51.0');
    const { text } = pinPyprojectDeps(
      '[project]\nname="a"\nversion="1"\ndependencies=["b>=1,<2"]\n',
      { b: '1.3.0' },
      {
        style: 'preserve',
      },
    );
    expect(text).toContain('"b>=1.3.0,<2"');
  });

  it('reads where a version comes from: static, VCS tags, or something ferry cannot edit', () => {
    const dyn = (tool: string, req = 'hatchling'): string =>
      `[build-system]\nrequires = ["${req}"]\n[project]\nname = "a"\ndynamic = ["version"]\n${tool}`;
    expect(pyprojectVersionSource(GIT_DEPS)).toBe('static');
    expect(pyprojectVersionSource(dyn('[tool.hatch.version]\nsource = "vcs"\n', 'hatch-vcs'))).toBe('vcs');
    expect(pyprojectVersionSource(dyn('[tool.setuptools_scm]\n', 'setuptools-scm>=8'))).toBe('vcs');
    expect(pyprojectVersionSource(dyn('[tool.hatch.version]\nsource = "uv-dynamic-versioning"\n'))).toBe('vcs');
    expect(pyprojectVersionSource(dyn('[tool.hatch.version]\npath = "src/a/__about__.py"\n'))).toBe('unreadable');
  });
});

describe('package.json rewrites of same-run dependencies', () => {
  const PJ = `{\n  "name": "@acme/app",\n  "version": "1.0.0",\n  "dependencies": {\n    "@acme/core": "file:../core",\n    "@acme/log": "github:acme/log#v1",\n    "@acme/util": "^2.1.3",\n    "@acme/ws": "workspace:^"\n  }\n}\n`;
  const pins = { '@acme/core': '1.4.0', '@acme/log': '0.2.0', '@acme/util': '2.1.4', '@acme/ws': '5.0.0' };

  it('preserve (npm default): file:/git become the version, ranges keep their operator, workspace: untouched', () => {
    const { text, changes } = pinPackageJsonDeps(PJ, pins, 'package.json', 'preserve');
    expect(JSON.parse(text).dependencies).toEqual({
      '@acme/core': '1.4.0',
      '@acme/log': '0.2.0',
      '@acme/util': '^2.1.4',
      '@acme/ws': 'workspace:^',
    });
    expect(changes.map((c) => [c.name, c.kind, c.line])).toEqual([
      ['@acme/core', 'path', 5],
      ['@acme/log', 'git', 6],
      ['@acme/util', 'range', 7],
    ]);
  });

  it('exact: every range becomes the version', () => {
    expect(rewriteNpmSpec('^0.50.0', '0.51.0', 'exact')).toEqual({ text: '0.51.0', kind: 'pin' });
    expect(rewriteNpmSpec('^0.50.0', '0.51.0', 'preserve')).toEqual({ text: '^0.51.0', kind: 'range' });
    expect(rewriteNpmSpec('1.x', '1.4.0', 'preserve')).toBeNull();
  });
});
