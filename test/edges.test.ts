// Which declared dependencies order releases, and the manifest line of each (issue 12 point 6).
import { describe, expect, it } from 'vitest';
import { cycleFix, orderingRefs } from '../src/config/edges.js';
import { dependencyLine } from '../src/manifest/dep-lines.js';
import { parsePackageJson, parsePyproject } from '../src/manifest/read.js';
import { packageJson, pyproject } from './fixtures/shapes/files.js';

describe('ordering edges', () => {
  it('pyproject: main deps order; extras, groups and poetry optional deps do not', () => {
    const pep621 = pyproject({
      name: 'a',
      version: '1.0.0',
      dependencies: ['b>=1'],
      optional: { test: ['c'] },
      groups: { dev: ['d'] },
    })['pyproject.toml']!;
    const m = parsePyproject(pep621, 'a/pyproject.toml');
    expect(orderingRefs(m).map((r) => r.name)).toEqual(['b']);
    expect(m.dependencies.map((r) => [r.name, dependencyLine(pep621, 'python', r)])).toEqual([
      ['b', pep621.split('\n').indexOf('    "b>=1",') + 1],
      ['c', pep621.split('\n').indexOf('test = [') + 2],
      ['d', pep621.split('\n').indexOf('dev = [') + 2],
    ]);
    const poetry = pyproject({
      name: 'p',
      version: '1.0.0',
      backend: 'poetry',
      poetryDeps: { Acme_Core: '"^1"', plug: '{ version = "^1", optional = true }' },
      optional: { plug: ['plug'] },
    })['pyproject.toml']!;
    const pm = parsePyproject(poetry, 'p/pyproject.toml');
    expect(orderingRefs(pm).map((r) => r.name)).toEqual(['Acme_Core']);
    const core = pm.dependencies.find((r) => r.name === 'Acme_Core')!;
    expect(poetry.split('\n')[dependencyLine(poetry, 'python', { ...core, name: 'acme-core' })! - 1]).toBe(
      'Acme_Core = "^1"',
    );
  });

  it('package.json: dependencies, optionalDependencies and required peers order; dev and optional peers do not', () => {
    const text = packageJson({
      name: '@x/ui',
      version: '1.0.0',
      dependencies: { '@x/a': '^1' },
      devDependencies: { '@x/testkit': '^1' },
      peerDependencies: { '@x/theme': '^1', '@x/core': '^1' },
      optionalPeers: ['@x/theme'],
    })['package.json']!;
    const m = parsePackageJson(text, 'package.json');
    expect(orderingRefs(m).map((r) => r.name)).toEqual(['@x/a', '@x/core']);
    const theme = m.dependencies.find((r) => r.name === '@x/theme')!;
    expect(text.split('\n')[dependencyLine(text, 'npm', theme)! - 1]).toContain('"@x/theme": "^1"');
  });

  it('the fix removes a depends_on that closes the cycle before suggesting ignore_deps', () => {
    expect(
      cycleFix(
        [
          { from: 'a', to: 'b', kind: 'manifest', where: 'a/pyproject.toml:9' },
          { from: 'b', to: 'a', kind: 'depends_on', where: 'ferry.yaml:12:5 packages[1].depends_on' },
        ],
        'ferry.yaml',
      ),
    ).toBe(
      'remove a from depends_on of b in ferry.yaml (ferry.yaml:12:5 packages[1].depends_on), then: ferry config check',
    );
  });
});
