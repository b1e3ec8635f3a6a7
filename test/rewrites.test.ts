// The plan's dependency rewrites (issue 13.1/13.2): what PIN will change, with file and line, before it runs.
import { describe, expect, it } from 'vitest';
import { manifestRewrites, renderRewrites, sameRunVersions } from '../src/release/rewrites.js';
import type { PlanRow, ReleasePackage } from '../src/release/types.js';

const pkg = (name: string, deps: string[], path = '.', ecosystem: 'python' | 'npm' = 'python'): ReleasePackage => ({
  name,
  repo: name,
  repoDir: `/w/${name}`,
  path,
  ecosystem,
  publish: 'pypi',
  tier: 2,
  deps,
  tag: 'v{version}',
  versionFiles: [],
  mainBranch: 'main',
});
const row = (p: string, next: string | null): PlanRow => ({
  repo: p,
  package: p,
  tier: 1,
  current: '1.0.0',
  new: next,
  bump: next ? 'patch' : null,
  commits: next ? 1 : 0,
  status: next ? 'PLANNED' : 'NOTHING_TO_RELEASE',
});
const STYLE = { python: 'exact', npm: 'preserve' } as const;

const TOML = `[project]
name = "app"
version = "0.3.0"
dependencies = [
    "core @ git+https://git.example.invalid/core.git@v1.0.0",
    "util>=1",
]

[tool.uv.sources]
util = { path = "../util" }

[tool.uv]
override-dependencies = ["core==1.0.0"]
`;

describe('dependency rewrites in the plan', () => {
  it('only planned same-run dependencies are pinned', () => {
    const rows = [row('core', '1.0.1'), row('util', null), row('app', '0.3.1')];
    expect(sameRunVersions(rows, pkg('app', ['core', 'util', 'other']))).toEqual({ core: '1.0.1' });
  });

  it('lists each rewrite with the repo-relative file and its line, sorted by line', () => {
    const list = manifestRewrites(
      pkg('app', ['core', 'util'], 'packages/app'),
      TOML,
      { core: '1.0.1', util: '2.0.0' },
      STYLE,
    );
    expect(list.map((r) => [r.dependency, r.file, r.line, r.kind, r.to])).toEqual([
      ['core', 'packages/app/pyproject.toml', 5, 'git', 'core==1.0.1'],
      ['util', 'packages/app/pyproject.toml', 6, 'pin', 'util==2.0.0'],
      ['util', 'packages/app/pyproject.toml', 10, 'source-removed', '(removed)'],
      ['core', 'packages/app/pyproject.toml', 13, 'override', 'core==1.0.1'],
    ]);
    expect(manifestRewrites(pkg('app', []), TOML, {}, STYLE)).toEqual([]);
  });

  it('renders an aligned block, or nothing', () => {
    const rewrites = {
      app: manifestRewrites(pkg('app', ['core']), TOML, { core: '1.0.1' }, STYLE),
      'web-ui': manifestRewrites(
        pkg('web-ui', ['@acme/core'], '.', 'npm'),
        '{\n  "name": "web-ui",\n  "version": "1.0.0",\n  "dependencies": { "@acme/core": "file:../core" }\n}\n',
        { '@acme/core': '1.0.1' },
        STYLE,
      ),
    };
    expect(renderRewrites(rewrites)).toBe(
      [
        'dependency rewrites (same-run dependencies → the released versions):',
        '  app     pyproject.toml:5   core @ git+https://git.example.invalid/core.git@v1.0.0 → core==1.0.1 (git source → version)',
        '  app     pyproject.toml:13  core==1.0.0 → core==1.0.1 (uv override)',
        '  web-ui  package.json:4     file:../core → 1.0.1 (path source → version)',
      ].join('\n'),
    );
    expect(renderRewrites({})).toBe('');
  });
});
