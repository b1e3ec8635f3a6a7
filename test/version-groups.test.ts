// Version groups (issue 19.4) and the out-of-range cascade as pure functions over plan rows, and the
// ferry.yaml rules for release.groups / release.ignore.
import { describe, expect, it } from 'vitest';
import { applyGroups, withLockstepMembers } from '../src/release/policies/groups.js';
import { applyCascade } from '../src/release/policies/cascade.js';
import { rangeAdmits } from '../src/release/policies/ranges.js';
import { parseConfig } from '../src/config/load.js';
import type { PlanRow } from '../src/release/types.js';

const row = (p: Partial<PlanRow> & Pick<PlanRow, 'package'>): PlanRow => ({
  repo: 'mono',
  tier: 1,
  current: '1.0.0',
  new: null,
  bump: null,
  commits: 0,
  status: 'NOTHING_TO_RELEASE',
  ...p,
});
const semver = () => 'semver' as const;

describe('version groups', () => {
  const rows = [
    row({ package: 'a', current: '1.2.0', bump: 'patch', new: '1.2.1', status: 'PLANNED', commits: 1 }),
    row({ package: 'b', current: '1.4.0', bump: 'minor', new: '1.5.0', status: 'PLANNED', commits: 2 }),
    row({ package: 'c', current: '1.3.0' }),
    row({ package: 'd', current: '0.1.0' }),
  ];

  it('lockstep: every member releases at the highest current version bumped by the highest bump', () => {
    const out = applyGroups(rows, [{ name: 'core', packages: ['a', 'b', 'c'], mode: 'lockstep' }], semver);
    expect(out.map((r) => [r.package, r.status, r.bump, r.new, r.group ?? null])).toEqual([
      ['a', 'PLANNED', 'minor', '1.5.0', 'core'],
      ['b', 'PLANNED', 'minor', '1.5.0', 'core'],
      ['c', 'PLANNED', 'minor', '1.5.0', 'core'],
      ['d', 'NOTHING_TO_RELEASE', null, null, null],
    ]);
  });

  it('linked: only members with changes release, at one version; nothing planned → nothing changes', () => {
    const out = applyGroups(rows, [{ name: 'core', packages: ['a', 'b', 'c'], mode: 'linked' }], semver);
    expect(out.map((r) => [r.package, r.status, r.new])).toEqual([
      ['a', 'PLANNED', '1.5.0'],
      ['b', 'PLANNED', '1.5.0'],
      ['c', 'NOTHING_TO_RELEASE', null],
      ['d', 'NOTHING_TO_RELEASE', null],
    ]);
    expect(applyGroups(rows, [{ name: 'quiet', packages: ['c', 'd'], mode: 'lockstep' }], semver)).toEqual(rows);
  });

  it('lockstep skips ignored members; a PEP 440 group bumps by PEP 440', () => {
    const out = applyGroups(rows, [{ name: 'g', packages: ['a', 'd'], mode: 'lockstep' }], semver, new Set(['d']));
    expect(out.find((r) => r.package === 'd')!.status).toBe('NOTHING_TO_RELEASE');
    const py = applyGroups(
      [
        row({ package: 'x', current: '2.1', bump: 'patch', new: '2.1.1', status: 'PLANNED' }),
        row({ package: 'y', current: '2.0' }),
      ],
      [{ name: 'py', packages: ['x', 'y'], mode: 'lockstep' }],
      () => 'pep440',
    );
    expect(py.map((r) => r.new)).toEqual(['2.1.1', '2.1.1']);
  });
});

describe('out-of-range cascade (changesets default)', () => {
  it('a dependent releases only when the new version leaves its declared range', () => {
    expect(rangeAdmits('npm', '^1.0.0', '1.1.0', '1.0.0')).toBe(true);
    expect(rangeAdmits('npm', '^1.0.0', '2.0.0', '1.0.0')).toBe(false);
    expect(rangeAdmits('npm', '1.0.0', '1.0.1', '1.0.0')).toBe(false);
    expect(rangeAdmits('npm', 'workspace:*', '1.0.1', '1.0.0')).toBe(false);
    expect(rangeAdmits('npm', 'workspace:^', '1.0.1', '1.0.0')).toBe(true);
    expect(rangeAdmits('python', '>=1.0,<2', '1.4.0', '1.0.0')).toBe(true);
    expect(rangeAdmits('python', '==1.0.0', '1.0.1', '1.0.0')).toBe(false);
    const rows = [
      row({ package: 'core', bump: 'minor', new: '1.1.0', status: 'PLANNED', commits: 1 }),
      row({ package: 'ui', tier: 2 }),
      row({ package: 'cli', tier: 2, current: '0.3.0' }),
    ];
    const ranges: Record<string, string> = { ui: '^1.0.0', cli: '1.0.0' };
    const out = applyCascade(rows, (p) => (p === 'core' ? [] : ['core']), {
      admits: (dependent, _dep, version, current) => rangeAdmits('npm', ranges[dependent]!, version, current),
    });
    expect(out.map((r) => [r.package, r.new, r.cascade ?? null])).toEqual([
      ['core', '1.1.0', null],
      ['cli', '0.3.1', ['core']],
      ['ui', null, null],
    ]);
  });
});

describe('release.groups in ferry.yaml', () => {
  const base = (release: string) =>
    [
      'version: 1',
      'packages:',
      '  - { name: a, repo: mono, path: a, ecosystem: python, tag: "v{version}" }',
      '  - { name: b, repo: mono, path: b, ecosystem: python, tag: "v{version}" }',
      '  - { name: c, repo: other, ecosystem: python }',
      'release:',
      release,
    ].join('\n');

  it('a lockstep group with one tag may share a template without {name}; without the group the tags collide', () => {
    expect(() =>
      parseConfig(base('  groups: [{ name: mono, packages: [a, b], tag: "v{version}" }]'), 'f.yaml'),
    ).not.toThrow();
    expect(() => parseConfig(base('  tag: "{name}/v{version}"'), 'f.yaml')).toThrow(/whose tags would collide/);
  });

  it('unknown members, a package in two groups, a tag across repos and an unknown ignore are errors with their keys', () => {
    const err = (release: string): string => {
      try {
        parseConfig(base(release), 'f.yaml');
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(err('  groups: [{ name: g, packages: [a, zz] }]')).toMatch(
      /release\.groups\[0\]\.packages\[1\].*unknown package "zz"/,
    );
    expect(err('  groups: [{ name: g, packages: [a, b], tag: "v{version}" }, { name: h, packages: [a, c] }]')).toMatch(
      /a is already in group g/,
    );
    expect(err('  groups: [{ name: g, packages: [a, c], tag: "v{version}" }]')).toMatch(/spans repos mono, other/);
    expect(err('  ignore: [nope]')).toMatch(/release\.ignore\[0\].*unknown package "nope"/);
  });
});

describe('naming a member of a lockstep group', () => {
  it('brings in the rest of a lockstep group, never of a linked one', () => {
    const groups = [
      { name: 'fixed', packages: ['a', 'b', 'c'], mode: 'lockstep' as const },
      { name: 'loose', packages: ['x', 'y'], mode: 'linked' as const },
    ];
    expect(withLockstepMembers(['b', 'x'], groups)).toEqual({
      names: ['b', 'x', 'a', 'c'],
      joined: [{ group: 'fixed', packages: ['a', 'c'], via: ['b'] }],
    });
    expect(withLockstepMembers(['a', 'b', 'c'], groups).joined).toEqual([]);
    expect(withLockstepMembers(['y'], groups)).toEqual({ names: ['y'], joined: [] });
  });
});
