// Templates checked up front (issue 14 point 5): rendered for every package, validated by git's
// ref-name rules, unique per repo; an invalid one is CONFIG_INVALID with file:line before any scan.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { assertTemplates, refFormatProblem, templateProblems } from '../src/config/template-check.js';
import { FerryError } from '../src/errors.js';

const release = {
  tag: '{name}/v{version}',
  branch: 'release/{run_id}/{repo}',
  commit_message: 'release: {repo} v{version}',
};
const pkg = (name: string, extra: Record<string, unknown> = {}) => ({ name, path: '.', ...extra });
type Cfg = Parameters<typeof templateProblems>[0];
const cfg = (packages: unknown[], rel: Record<string, string> = {}): Cfg =>
  ({ packages, release: { ...release, ...rel } }) as unknown as Cfg;

/** git's own verdict, so the JS rules are held to the real thing. */
function gitAccepts(ref: string): boolean {
  try {
    execFileSync('git', ['check-ref-format', `refs/tags/${ref}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('refFormatProblem', () => {
  const refs = [
    'alpha/v1.2.3',
    'v1.2.3',
    '@scope/pkg@1.2.3',
    'release/release-20260101-abcdef/alpha',
    'ü/ß-1.0',
    'a b',
    'a..b',
    'x.lock',
    'a/.hidden',
    'a/',
    '/a',
    'a//b',
    'a.',
    'a~1',
    'a^1',
    'a:b',
    'a?b',
    'a*b',
    'a[b',
    'a\\b',
    'x@{-1}',
    'a\ty',
    'x\ny',
    'a/b.lock/c',
  ];
  it.each(refs)('%j: agrees with git check-ref-format', (ref) => {
    expect(refFormatProblem(ref) === null).toBe(gitAccepts(ref));
  });
  it('an empty, option-like or bare "@" ref is refused (git reads @ as HEAD)', () => {
    expect(refFormatProblem('@')).toMatch(/"@"/);
    expect(refFormatProblem('')).toMatch(/empty/);
    expect(refFormatProblem('-v1')).toMatch(/option/);
  });
});

describe('templateProblems', () => {
  it('the defaults are fine for a polyrepo and a monorepo', () => {
    expect(
      templateProblems(
        cfg([
          pkg('alpha'),
          pkg('core', { repo: 'mono', path: 'packages/core' }),
          pkg('cli', { repo: 'mono', path: 'packages/cli' }),
        ]),
      ),
    ).toEqual([]);
  });
  it('a tag with a space, a branch with "..", an empty commit message are each named with their key', () => {
    const p = templateProblems(
      cfg([pkg('alpha')], { tag: 'v {version}', branch: 'rel..{run_id}', commit_message: '  ' }),
    );
    expect(p.map((x) => x.path.join('.'))).toEqual(['release.tag', 'release.branch', 'release.commit_message']);
    expect(p[0]!.message).toContain('"v 1.2.3"');
  });
  it('a package override is blamed on packages[i].tag', () => {
    const p = templateProblems(cfg([pkg('alpha'), pkg('beta', { tag: '{name}..{version}' })]));
    expect(p).toHaveLength(1);
    expect(p[0]!.path).toEqual(['packages', 1, 'tag']);
  });
  it('two packages of one repo with the same tag collide; in two repos they do not', () => {
    const mono = templateProblems(
      cfg([pkg('a', { repo: 'm', path: 'packages/a' }), pkg('b', { repo: 'm', path: 'packages/b' })], {
        tag: 'v{version}',
      }),
    );
    expect(mono.map((x) => x.message).join()).toMatch(/gives a and b \(both in repo m\) the same tag "v1\.2\.3"/);
    expect(templateProblems(cfg([pkg('a'), pkg('b')], { tag: 'v{version}' }))).toEqual([]);
  });
});

describe('assertTemplates', () => {
  it('throws CONFIG_INVALID with file:line:col and a fix', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-tpl-'));
    const path = join(dir, 'ferry.yaml');
    writeFileSync(
      path,
      'version: 1\npackages:\n  - name: alpha\n    ecosystem: python\nrelease:\n  tag: "x.lock{version}"\n',
    );
    let err: unknown;
    try {
      assertTemplates({ path, config: cfg([pkg('alpha')], { tag: '{version}.lock' }) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FerryError);
    expect((err as FerryError).code).toBe('CONFIG_INVALID');
    expect((err as FerryError).message).toMatch(new RegExp(`^${path}:6:3 release\\.tag: .*ends with "\\.lock"`));
    expect((err as FerryError).fix).toContain('ferry config check');
  });
});
