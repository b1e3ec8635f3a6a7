// Plan policies as pure functions over plan rows: pre-1.0 (release-please's names) and the
// dependent cascade (patch release + "Dependencies" changelog group).
import { describe, expect, it } from 'vitest';
import { applyCascade, dependenciesSection } from '../src/release/policies/cascade.js';
import { applyPreMajor, preMajorBump } from '../src/release/policies/pre-major.js';
import type { PlanRow } from '../src/release/types.js';

const row = (p: Partial<PlanRow> & Pick<PlanRow, 'package'>): PlanRow => ({
  repo: p.package,
  tier: 1,
  current: '0.50.0',
  new: null,
  bump: null,
  commits: 0,
  status: 'NOTHING_TO_RELEASE',
  ...p,
});

describe('pre-1.0 policy', () => {
  const both = { bump_minor_pre_major: true, bump_patch_for_minor_pre_major: true };
  const off = { bump_minor_pre_major: false, bump_patch_for_minor_pre_major: false };

  it('breaking → minor and feat → patch under 1.0.0 only when configured; 1.x unchanged', () => {
    expect(preMajorBump('0.3.0', 'major', both)).toBe('minor');
    expect(preMajorBump('0.3.0', 'minor', both)).toBe('patch');
    expect(preMajorBump('0.3.0', 'major', off)).toBe('major');
    expect(preMajorBump('1.3.0', 'major', both)).toBe('major');
  });

  it('applies per package over the global default', () => {
    const rows = [
      row({ package: 'a', current: '0.3.0', bump: 'major', new: '1.0.0', status: 'PLANNED', commits: 1 }),
      row({ package: 'b', current: '0.3.0', bump: 'major', new: '1.0.0', status: 'PLANNED', commits: 1 }),
    ];
    const out = applyPreMajor(rows, (p) => (p === 'a' ? both : off));
    expect(out.map((r) => [r.package, r.bump, r.new])).toEqual([
      ['a', 'minor', '0.4.0'],
      ['b', 'major', '1.0.0'],
    ]);
  });
});

describe('dependent cascade', () => {
  it('a package with no change whose dependency is released gets a patch, transitively by tier', () => {
    const rows = [
      row({ package: 'core', bump: 'minor', new: '0.51.0', status: 'PLANNED', commits: 2 }),
      row({ package: 'api', tier: 2, current: '1.4.0' }),
      row({ package: 'app', tier: 3, current: '2.0.0' }),
      row({ package: 'other', tier: 1, current: '3.0.0' }),
    ];
    const deps: Record<string, string[]> = { api: ['core'], app: ['api'], other: [] };
    const out = applyCascade(rows, (p) => deps[p] ?? []);
    expect(out.map((r) => [r.package, r.status, r.new, r.cascade ?? null])).toEqual([
      ['core', 'PLANNED', '0.51.0', null],
      ['other', 'NOTHING_TO_RELEASE', null, null],
      ['api', 'PLANNED', '1.4.1', ['core']],
      ['app', 'PLANNED', '2.0.1', ['api']],
    ]);
    expect(dependenciesSection([{ name: 'core', version: '0.51.0' }])).toBe(
      '### Dependencies\n\n- core bumped to 0.51.0\n',
    );
  });
});
