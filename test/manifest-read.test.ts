import { describe, expect, it } from 'vitest';
import { isFerryError } from '../src/errors.js';
import { normalizePythonName, parsePackageJson, parsePep508, parsePyproject } from '../src/manifest/read.js';

describe('PEP 503 / PEP 508', () => {
  it('normalises names', () => {
    expect(normalizePythonName('Omnibase_SPI')).toBe('omnibase-spi');
    expect(normalizePythonName('a.-_b')).toBe('a-b');
  });

  it.each([
    ['omnibase_core>=1.4.0', { name: 'omnibase_core', extras: [], spec: '>=1.4.0', marker: '' }],
    [
      'omnibase-core[kafka, http] (>=1.4,<2) ; python_version >= "3.11"',
      { name: 'omnibase-core', extras: ['kafka', 'http'], spec: '>=1.4,<2', marker: 'python_version >= "3.11"' },
    ],
    ['requests', { name: 'requests', extras: [], spec: '', marker: '' }],
    ['pkg==1.0;sys_platform=="linux"', { name: 'pkg', extras: [], spec: '==1.0', marker: 'sys_platform=="linux"' }],
    [
      'pkg @ https://example.com/a;b.whl ; os_name == "posix"',
      { name: 'pkg', extras: [], spec: '@ https://example.com/a;b.whl', marker: 'os_name == "posix"' },
    ],
  ])('parses %s', (req, expected) => {
    expect(parsePep508(req)).toEqual(expected);
  });

  it('rejects junk', () => {
    expect(parsePep508('>=1.0')).toBeNull();
    expect(parsePep508('name[unclosed')).toBeNull();
  });
});

describe('parsePyproject', () => {
  it('reads PEP 621 name, version, dependencies and optional-dependencies', () => {
    const m = parsePyproject(
      `[project]
name = "omniclaude"
version = "0.3.0"
dependencies = ["omnibase-core>=1.4", "omnibase_infra==2.0.0; python_version>'3.10'", "pydantic"]
[project.optional-dependencies]
intel = ["OmniIntelligence[fast]>=0.9"]
[dependency-groups]
test = ["pytest", {include-group = "lint"}]
`,
      'pyproject.toml',
    );
    expect(m.name).toBe('omniclaude');
    expect(m.version).toBe('0.3.0');
    expect(m.versionSource).toBe('project');
    expect(m.dependencies).toEqual([
      { name: 'omnibase-core', key: 'omnibase-core', spec: '>=1.4', group: 'main' },
      { name: 'omnibase_infra', key: 'omnibase-infra', spec: '==2.0.0', group: 'main' },
      { name: 'pydantic', key: 'pydantic', spec: '', group: 'main' },
      { name: 'OmniIntelligence', key: 'omniintelligence', spec: '>=0.9', group: 'optional', extra: 'intel' },
      { name: 'pytest', key: 'pytest', spec: '', group: 'dev', extra: 'test' },
    ]);
  });

  it('reads Poetry name, version and dependency tables (python itself skipped)', () => {
    const m = parsePyproject(
      `[tool.poetry]
name = "omnimemory"
version = "0.3.0"
[tool.poetry.dependencies]
python = "^3.11"
omnibase_core = "^1.4.0"
omnibase-spi = { version = ">=1.2", optional = true }
[tool.poetry.group.dev.dependencies]
pytest = "^8"
`,
      'pyproject.toml',
    );
    expect(m).toMatchObject({ name: 'omnimemory', version: '0.3.0', versionSource: 'tool.poetry' });
    expect(m.dependencies).toEqual([
      { name: 'omnibase_core', key: 'omnibase-core', spec: '^1.4.0', group: 'main' },
      // `optional = true`: installed only through an extra, so it is an optional dependency.
      { name: 'omnibase-spi', key: 'omnibase-spi', spec: '>=1.2', group: 'optional' },
      { name: 'pytest', key: 'pytest', spec: '^8', group: 'dev', extra: 'dev' },
    ]);
  });

  it('a dynamic version is null', () => {
    const m = parsePyproject('[project]\nname = "x"\ndynamic = ["version"]\n', 'p.toml');
    expect(m.version).toBeNull();
  });

  it('invalid TOML or no name → CONFIG_INVALID naming the file', () => {
    for (const text of ['[project\nname=', '[tool.other]\nx = 1\n']) {
      try {
        parsePyproject(text, '/r/pyproject.toml');
        expect.unreachable();
      } catch (e) {
        expect(isFerryError(e) && e.code).toBe('CONFIG_INVALID');
        expect((e as Error).message).toMatch(/^\/r\/pyproject\.toml: /);
      }
    }
  });
});

describe('parsePackageJson', () => {
  it('reads dependencies of every kind and workspaces', () => {
    const m = parsePackageJson(
      JSON.stringify({
        name: '@acme/cli',
        version: '1.0.0',
        private: true,
        dependencies: { '@acme/core': '^1.0.0' },
        devDependencies: { vitest: '^3' },
        peerDependencies: { '@acme/utils': '*' },
        workspaces: { packages: ['packages/*'] },
      }),
      'package.json',
    );
    expect(m).toMatchObject({
      ecosystem: 'npm',
      name: '@acme/cli',
      version: '1.0.0',
      private: true,
      workspaces: ['packages/*'],
    });
    expect(m.dependencies.map((d) => [d.name, d.spec, d.group])).toEqual([
      ['@acme/core', '^1.0.0', 'main'],
      ['vitest', '^3', 'dev'],
      ['@acme/utils', '*', 'peer'],
    ]);
    expect(parsePackageJson('{"name":"r","workspaces":["a","b/*"]}', 'p.json').workspaces).toEqual(['a', 'b/*']);
  });
});
