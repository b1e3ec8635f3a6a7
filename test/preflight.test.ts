// Pure halves of the preflight: what it builds with which pins, and what it finds in built metadata.
import { describe, expect, it } from 'vitest';
import { metadataProblems, npmManifestProblems, preflightTargets } from '../src/release/preflight.js';
import type { PlanRow, ReleasePackage } from '../src/release/types.js';

const META = (deps: string[], version = '1.2.1') =>
  `Metadata-Version: 2.1\nName: gear-app\nVersion: ${version}\n${deps.map((d) => `Requires-Dist: ${d}`).join('\n')}\n\n# gear-app\n\nRequires-Dist: not-a-header @ git+https://x/y\n`;

describe('metadataProblems', () => {
  it('accepts versions and ranges, refuses direct URLs for a PyPI-style index only', () => {
    expect(metadataProblems(META(['gear-core==0.3.1', 'click>=8; extra == "cli"']), '1.2.1', true)).toEqual([]);
    const url = META(['gear-core @ git+https://git.example.invalid/gear-core@v1', 'x @ file:///src/x']);
    expect(metadataProblems(url, '1.2.1', true)).toEqual([
      'Requires-Dist: gear-core @ git+https://git.example.invalid/gear-core@v1 is a direct URL dependency (a PyPI-style index refuses the upload)',
      'Requires-Dist: x @ file:///src/x is a direct URL dependency (a PyPI-style index refuses the upload)',
    ]);
    expect(metadataProblems(url, '1.2.1', false)).toEqual([]);
  });
  it('the built version must equal the new one by PEP 440 (1.2.1 == 1.2.1.0)', () => {
    expect(metadataProblems(META([], '1.2.1.0'), '1.2.1', true)).toEqual([]);
    expect(metadataProblems(META([], '1.2.0'), '1.2.1', true)).toEqual(['built version 1.2.0, expected 1.2.1']);
  });
});

describe('npmManifestProblems', () => {
  it('names file:, git, GitHub shorthand and workspace: dependencies and a wrong version', () => {
    const pj = JSON.stringify({
      name: '@acme/app',
      version: '2.0.0',
      dependencies: { '@acme/core': 'file:../core', '@acme/log': 'github:acme/log#v1', left: '^1.0.0' },
      peerDependencies: { '@acme/ws': 'workspace:^' },
      devDependencies: { '@acme/test': 'file:../test' },
    });
    expect(npmManifestProblems(pj, '2.0.1')).toEqual([
      'packed version 2.0.0, expected 2.0.1',
      'dependencies.@acme/core is "file:../core", not a registry version (npm publish ships it as written)',
      'dependencies.@acme/log is "github:acme/log#v1", not a registry version (npm publish ships it as written)',
      'peerDependencies.@acme/ws is "workspace:^", not a registry version (npm publish ships it as written)',
    ]);
  });
});

describe('preflightTargets', () => {
  const pkg = (name: string, deps: string[] = [], publish: string | false = 'pypi'): ReleasePackage => ({
    name,
    repo: name,
    repoDir: `/w/${name}`,
    path: '.',
    ecosystem: 'python',
    publish,
    tier: deps.length ? 2 : 1,
    deps,
    tag: 'v{version}',
    versionFiles: [],
    mainBranch: 'main',
  });
  const row = (p: string, cur: string, next: string | null): PlanRow => ({
    repo: p,
    package: p,
    tier: 1,
    current: cur,
    new: next,
    bump: next ? 'patch' : null,
    commits: next ? 1 : 0,
    status: next ? 'PLANNED' : 'NOTHING_TO_RELEASE',
  });
  it('builds planned, published packages with the same-run dependencies pinned to their new versions', () => {
    const pkgs = [pkg('core'), pkg('util'), pkg('app', ['core', 'util']), pkg('docs', ['core'], false)];
    const rows = [
      row('core', '0.3.0', '0.3.1'),
      row('util', '1.0.0', null),
      row('app', '1.2.0', '1.2.1'),
      row('docs', '1.0.0', '1.0.1'),
    ];
    expect(preflightTargets(rows, pkgs).map((t) => [t.pkg.name, t.version, t.pins])).toEqual([
      ['core', '0.3.1', {}],
      ['app', '1.2.1', { core: '0.3.1' }],
    ]);
  });
});
