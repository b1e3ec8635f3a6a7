// The pure version logic: PEP 440 and semver parse/compare/bump/pre-release, tag templates, the
// last release among tags in mixed styles, and version truth (current = max(manifest, last tag)).
import { describe, expect, it } from 'vitest';
import {
  bumpVersion,
  compareVersions,
  maxVersion,
  parseVersion,
  prereleaseVersion,
} from '../src/release/versions/version.js';
import { candidateStyles, parseTag, renderTag, tagVars } from '../src/release/versions/tag-template.js';
import { checkProposedVersion, lastRelease, releasesFromTags, versionTruth } from '../src/release/versions/releases.js';
import { isFerryError } from '../src/errors.js';

describe('PEP 440 versions', () => {
  it('reads and compares 1.0.0rc1, 2.1, 1.0.post1, 1.0.dev3 by PEP 440, not semver', () => {
    for (const v of ['1.0.0rc1', '2.1', '1.0.post1', '1.0.dev3', '1!2.0', '2024.1'])
      expect(parseVersion('pep440', v)).toBe(v);
    expect(parseVersion('pep440', '1.0.0-rc.1')).toBe('1.0.0rc1');
    expect(parseVersion('pep440', 'v1.2')).toBeNull();
    expect(parseVersion('pep440', '1.0+local')).toBeNull();
    expect(parseVersion('pep440', 'nightly')).toBeNull();
    const order = ['1.0.dev3', '1.0a1', '1.0b2', '1.0rc1', '1.0', '1.0.post1', '1.0.1', '2.1', '2.1.1', '1!0.1'];
    const shuffled = [...order].reverse();
    expect(shuffled.sort((a, b) => compareVersions('pep440', a, b))).toEqual(order);
    expect(compareVersions('pep440', '2.1', '2.1.0')).toBe(0);
    expect(maxVersion('pep440', ['1.9', '1.10', '1.10rc1'])).toBe('1.10');
  });

  it('bumps keeping the release length, and graduates pre- and dev releases', () => {
    expect(bumpVersion('pep440', '2.1', 'patch')).toBe('2.1.1');
    expect(bumpVersion('pep440', '2.1', 'minor')).toBe('2.2');
    expect(bumpVersion('pep440', '2.1', 'major')).toBe('3.0');
    expect(bumpVersion('pep440', '1.0.post1', 'patch')).toBe('1.0.1');
    expect(bumpVersion('pep440', '1.0.dev3', 'patch')).toBe('1.0');
    expect(bumpVersion('pep440', '1.1.0rc2', 'patch')).toBe('1.1.0');
    expect(bumpVersion('pep440', '1.1.0rc2', 'minor')).toBe('1.1.0');
    expect(bumpVersion('pep440', '1.1.0rc2', 'major')).toBe('2.0.0');
    expect(bumpVersion('pep440', '1.1.1rc1', 'minor')).toBe('1.2.0');
    expect(bumpVersion('pep440', '0.4.2', 'minor')).toBe('0.5.0');
    expect(() => bumpVersion('pep440', 'x', 'patch')).toThrow(/PEP 440/);
  });

  it('--prerelease rc: 1.0.0 → 1.1.0rc1 → 1.1.0rc2; a normal bump then gives 1.1.0', () => {
    const rc1 = prereleaseVersion('pep440', '1.0.0', 'minor', 'rc');
    expect(rc1).toBe('1.1.0rc1');
    const rc2 = prereleaseVersion('pep440', rc1, 'patch', 'rc');
    expect(rc2).toBe('1.1.0rc2');
    expect(bumpVersion('pep440', rc2, 'patch')).toBe('1.1.0');
    expect(prereleaseVersion('pep440', '1.1.0b2', 'patch', 'rc')).toBe('1.1.0rc1');
    expect(prereleaseVersion('pep440', '1.1.0rc2', 'major', 'rc')).toBe('2.0.0rc1');
    expect(prereleaseVersion('pep440', '1.0', 'patch', 'beta')).toBe('1.0.1b1');
    expect(() => prereleaseVersion('pep440', '1.0.0', 'patch', 'next')).toThrow(/a, b or rc/);
  });
});

describe('semver versions (npm)', () => {
  it('--prerelease next: 2.1.0 → 3.0.0-next.0 → … 3.0.0-next.2 → 3.0.0-next.3; a normal release graduates', () => {
    expect(prereleaseVersion('semver', '2.1.0', 'major', 'next')).toBe('3.0.0-next.0');
    expect(prereleaseVersion('semver', '3.0.0-next.2', 'patch', 'next')).toBe('3.0.0-next.3');
    expect(prereleaseVersion('semver', '3.0.0-next.2', 'major', 'next')).toBe('3.0.0-next.3');
    expect(prereleaseVersion('semver', '3.0.0-beta.4', 'patch', 'next')).toBe('3.0.0-next.0');
    expect(bumpVersion('semver', '3.0.0-next.3', 'minor')).toBe('3.0.0');
    expect(bumpVersion('semver', '3.0.0-next.3', 'major')).toBe('3.0.0');
    expect(() => prereleaseVersion('semver', '1.0.0', 'patch', 'a.b')).toThrow(/identifier/);
    expect(parseVersion('semver', '1.2')).toBeNull();
  });
});

describe('tag templates', () => {
  const core = tagVars({ name: 'acme-core', repo: 'acme', path: 'packages/core' });
  it('renders and parses {name} {repo} {dir} {version}', () => {
    expect(core).toEqual({ name: 'acme-core', repo: 'acme', dir: 'core' });
    expect(tagVars({ name: 'x', repo: 'omni', path: '.' }).dir).toBe('omni');
    expect(renderTag('{dir}-v{version}', core, '1.2.0')).toBe('core-v1.2.0');
    expect(renderTag('{repo}/v{version}', core, '1.2.0')).toBe('acme/v1.2.0');
    expect(parseTag('{name}@{version}', core, 'acme-core@1.2.0', 'semver')).toBe('1.2.0');
    expect(parseTag('v{version}', core, 'v1.2', 'pep440')).toBe('1.2');
    expect(parseTag('v{version}', core, 'v1.2', 'semver')).toBeNull();
    expect(parseTag('{version}', core, 'v1.2', 'pep440')).toBeNull();
    expect(
      parseTag('{name}-{version}', tagVars({ name: 'acme', repo: 'acme', path: '.' }), 'acme-core-1.0.0', 'semver'),
    ).toBeNull();
  });

  it('a monorepo package accepts no style that names no package', () => {
    const web = tagVars({ name: 'acme-web', repo: 'acme', path: 'packages/web' });
    const styles = candidateStyles('{name}/v{version}', core, [web]);
    expect(styles[0]).toBe('{name}/v{version}');
    expect(styles).not.toContain('v{version}');
    expect(styles).not.toContain('{repo}/v{version}');
    expect(styles).toContain('{dir}-v{version}');
    expect(candidateStyles('v{version}', core, [web])[0]).toBe('v{version}');
  });
});

describe('last release among tags', () => {
  const vars = tagVars({ name: 'acme_core', repo: 'acme-core', path: '.' });
  const ctx = { scheme: 'pep440' as const, template: 'v{version}', vars };
  it('accepts every style the repo used, counts a release with two tags once, ignores non-release tags', () => {
    const tags = [
      'v0.9',
      'v1.0.0',
      'acme-core/v1.1.0',
      'v1.2.0',
      'acme-core/v1.2.0',
      'acme_core@1.2.1rc1',
      'lab/experiment-3',
      'nightly-20261201',
      'nightly-2.0.0',
      'other_pkg/v9.0.0',
    ];
    const all = releasesFromTags(tags, ctx);
    expect(all.map((r) => r.version)).toEqual(['0.9', '1.0.0', '1.1.0', '1.2.0', '1.2.1rc1']);
    expect(all[3]).toMatchObject({ tag: 'v1.2.0', tags: ['v1.2.0', 'acme-core/v1.2.0'] });
    expect(lastRelease(tags, ctx)).toMatchObject({ version: '1.2.1rc1', tag: 'acme_core@1.2.1rc1' });
    expect(lastRelease(['v1.9', 'v1.10'], ctx)?.tag).toBe('v1.10');
    expect(lastRelease([], ctx)).toBeNull();
  });

  it('version truth: current = max(manifest, last tag); untagged starts from the manifest', () => {
    const tag = lastRelease(['v1.2.0'], ctx);
    expect(versionTruth('pep440', 'a', '1.2.0', tag)).toMatchObject({ current: '1.2.0', from: 'tag' });
    expect(versionTruth('pep440', 'a', '1.2', tag)).toMatchObject({ current: '1.2.0', from: 'tag' });
    expect(versionTruth('pep440', 'a', '1.1.0', tag)).toMatchObject({ current: '1.2.0', from: 'tag' });
    expect(versionTruth('pep440', 'a', '1.3.0', tag)).toMatchObject({ current: '1.3.0', from: 'manifest' });
    expect(versionTruth('pep440', 'a', '0.4.2', null)).toEqual({ current: '0.4.2', from: 'manifest', lastTag: null });
    expect(() => versionTruth('pep440', 'a', null, null)).toThrow(/no release tag and no version/);
  });

  it('VERSION_EXISTS for a version ≤ current or already tagged anywhere', () => {
    const releases = releasesFromTags(['v1.2.0', 'v1.3.0'], ctx);
    const base = {
      name: 'acme_core',
      scheme: 'pep440' as const,
      releases,
      template: 'v{version}',
      vars,
      cause: '--bump patch',
    };
    expect(() => checkProposedVersion({ ...base, current: '1.2.5', proposed: '1.2.6' })).not.toThrow();
    for (const [current, proposed, msg] of [
      ['1.2.0', '1.3.0', /already released \(tag v1\.3\.0\)/],
      ['1.2.5', '1.2.5rc1', /not above the current version 1\.2\.5/],
    ] as const) {
      try {
        checkProposedVersion({ ...base, current, proposed });
        expect.unreachable();
      } catch (e) {
        expect(isFerryError(e) && e.code).toBe('VERSION_EXISTS');
        expect((e as Error).message).toMatch(msg);
      }
    }
  });
});
