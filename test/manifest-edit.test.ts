import { describe, expect, it } from 'vitest';
import { pinPyprojectDeps, pinRequirement, readPyproject, setPyprojectVersion } from '../src/manifest/pyproject.js';
import { pinPackageJsonDeps, readPackageJson, setPackageJsonVersion } from '../src/manifest/package-json.js';

const PY = `# top comment
[project]
name = "omnibase_infra"
version = "2.0.0"   # bumped by ferry
dependencies = [
    "omnibase-core[async,cli]>=1.4 ; python_version >= '3.11'",  # core
    'omnibase_spi>=1.2.0',
    "requests>=2",
    "omnibase_core_extras @ https://example.com/x.whl",
]

[project.optional-dependencies]
dev = ["omnibase_spi[test]~=1.2", "pytest"]

[tool.poetry]
version = "2.0.0"

[tool.poetry.dependencies]
python = "^3.11"
omnibase_core = "^1.4"
omnibase-spi = { version = ">=1.2", extras = ["x"] }
`;

describe('pyproject', () => {
  it('reads name, version and normalised dependencies', () => {
    expect(readPyproject(PY)).toEqual({
      name: 'omnibase_infra',
      version: '2.0.0',
      dependencies: ['omnibase-core', 'omnibase-core-extras', 'omnibase-spi', 'pytest', 'requests'],
    });
  });

  it('sets the PEP 621 and Poetry version, touching nothing else', () => {
    const out = setPyprojectVersion(PY, '2.1.0');
    expect(out).toBe(
      PY.replace('version = "2.0.0"   #', 'version = "2.1.0"   #').replace(
        '[tool.poetry]\nversion = "2.0.0"',
        '[tool.poetry]\nversion = "2.1.0"',
      ),
    );
    expect(setPyprojectVersion(out, '2.1.0')).toBe(out);
  });

  it('refuses a pyproject without a static version', () => {
    expect(() => setPyprojectVersion('[project]\nname = "x"\ndynamic = ["version"]\n', '1.0.0')).toThrow(
      /no static version/,
    );
  });

  it("pins exactly, keeping extras, markers, comments and quoting; other names' URLs untouched", () => {
    const { text, changes } = pinPyprojectDeps(PY, { omnibase_core: '1.5.0', 'omnibase-spi': '1.2.1' });
    expect(text).toBe(
      PY.replace(
        `"omnibase-core[async,cli]>=1.4 ; python_version >= '3.11'"`,
        `"omnibase-core[async,cli]==1.5.0 ; python_version >= '3.11'"`,
      )
        .replace(`'omnibase_spi>=1.2.0'`, `'omnibase_spi==1.2.1'`)
        .replace(`"omnibase_spi[test]~=1.2"`, `"omnibase_spi[test]==1.2.1"`)
        .replace(`omnibase_core = "^1.4"`, `omnibase_core = "==1.5.0"`)
        .replace(`omnibase-spi = { version = ">=1.2"`, `omnibase-spi = { version = "==1.2.1"`),
    );
    const file = 'pyproject.toml';
    expect(changes).toEqual([
      {
        name: 'omnibase-core',
        from: `omnibase-core[async,cli]>=1.4 ; python_version >= '3.11'`,
        to: `omnibase-core[async,cli]==1.5.0 ; python_version >= '3.11'`,
        kind: 'pin',
        file,
        line: 6,
      },
      { name: 'omnibase_spi', from: 'omnibase_spi>=1.2.0', to: 'omnibase_spi==1.2.1', kind: 'pin', file, line: 7 },
      {
        name: 'omnibase_spi',
        from: 'omnibase_spi[test]~=1.2',
        to: 'omnibase_spi[test]==1.2.1',
        kind: 'pin',
        file,
        line: 13,
      },
      {
        name: 'omnibase_core',
        from: 'omnibase_core = "^1.4"',
        to: 'omnibase_core = "==1.5.0"',
        kind: 'pin',
        file,
        line: 20,
      },
      {
        name: 'omnibase-spi',
        from: 'omnibase-spi.version = ">=1.2"',
        to: 'omnibase-spi.version = "==1.2.1"',
        kind: 'pin',
        file,
        line: 21,
      },
    ]);
    expect(pinPyprojectDeps(text, { omnibase_core: '1.5.0', 'omnibase-spi': '1.2.1' })).toEqual({ text, changes: [] });
  });

  it('pinRequirement leaves other names alone and turns a direct reference into the version', () => {
    expect(pinRequirement('omnibase-core (>=1.0)', 'omnibase_core', '1.5.0')).toBe('omnibase-core==1.5.0');
    expect(pinRequirement('requests>=2', 'omnibase_core', '1.5.0')).toBeNull();
    expect(pinRequirement('omnibase_core @ file:///x', 'omnibase_core', '1.5.0')).toBe('omnibase_core==1.5.0');
    expect(pinRequirement('omnibase_core @ git+https://h/x.git@v1 ; os_name == "nt"', 'omnibase_core', '1.5.0')).toBe(
      'omnibase_core==1.5.0 ; os_name == "nt"',
    );
  });
});

const PJ = `{
  "name": "@fx/cli",
  "version": "1.0.0",
  "files": ["index.js", "lib"],
  "dependencies": {
    "@fx/core": "^1.0.0",
    "left-pad": "1.3.0"
  },
  "peerDependencies": { "@fx/utils": "*" },
  "devDependencies": {
    "@fx/core": "workspace:*"
  }
}
`;

describe('package.json', () => {
  it('reads name, version, deps and workspaces', () => {
    expect(readPackageJson(PJ)).toEqual({
      name: '@fx/cli',
      version: '1.0.0',
      private: false,
      dependencies: ['@fx/core', '@fx/utils', 'left-pad'],
      workspaces: [],
    });
    expect(readPackageJson('{"name":"r","private":true,"workspaces":{"packages":["packages/*"]}}').workspaces).toEqual([
      'packages/*',
    ]);
  });

  it('sets the version in place (compact arrays, indentation and newline kept)', () => {
    expect(setPackageJsonVersion(PJ, '1.1.0')).toBe(PJ.replace('"version": "1.0.0"', '"version": "1.1.0"'));
    expect(() => setPackageJsonVersion('{"name":"x"}', '1.0.0')).toThrow(/no "version"/);
  });

  it('pins exact versions in every dependency field, never a workspace: protocol', () => {
    const { text, changes } = pinPackageJsonDeps(PJ, { '@fx/core': '1.1.0', '@fx/utils': '1.0.1' });
    expect(text).toBe(
      PJ.replace('"@fx/core": "^1.0.0"', '"@fx/core": "1.1.0"').replace('"@fx/utils": "*"', '"@fx/utils": "1.0.1"'),
    );
    const file = 'package.json';
    expect(changes).toEqual([
      { name: '@fx/core', from: '^1.0.0', to: '1.1.0', kind: 'pin', file, line: 6 },
      { name: '@fx/utils', from: '*', to: '1.0.1', kind: 'pin', file, line: 9 },
    ]);
    expect(pinPackageJsonDeps(text, { '@fx/core': '1.1.0' }).changes).toEqual([]);
  });
});
