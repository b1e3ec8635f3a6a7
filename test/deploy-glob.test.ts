import { describe, expect, it } from 'vitest';
import { globToRegExp, matchGlob } from '../src/deploy/glob.js';
import { DEFAULT_PATH_RULES, classifyPath, parseNameOnlyZ, parsePorcelainZ } from '../src/deploy/classify.js';

describe('matchGlob', () => {
  const cases: Array<[string, string, boolean]> = [
    ['**/*.py', 'agent.py', true],
    ['**/*.py', 'pkg/sub/agent.py', true],
    ['**/*.py', 'pkg/agent.pyc', false],
    ['*.py', 'deep/dir/x.py', true], // no slash: basename at any depth
    ['/*.py', 'deep/x.py', false], // leading slash anchors
    ['/*.py', 'x.py', true],
    ['src/**', 'src/a/b.ts', true],
    ['src/**', 'lib/src/a.ts', false],
    ['src/', 'src/a.ts', true],
    ['.claude/**', '.claude/settings.json', true],
    ['.claude/**', 'x/.claude/settings.json', false],
    ['**/.claude/**', 'x/.claude/commands/a.md', true],
    ['.env*', '.env', true],
    ['.env*', '.env.local', true],
    ['.env*', 'config/.env.prod', true],
    ['.env*', 'my.env', false],
    ['requirements*.txt', 'requirements-dev.txt', true],
    ['requirements*.txt', 'requirements.txt', true],
    ['Dockerfile*', 'Dockerfile.runtime', true],
    ['data/config/**', 'data/config/a/b.yaml', true],
    ['data/*/x', 'data/a/x', true],
    ['data/*/x', 'data/a/b/x', false],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['*.{yml,yaml}', 'c/d.yaml', true],
    ['*.{yml,yaml}', 'c/d.json', false],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file10.txt', false],
    ['[!a]*.md', 'b.md', true],
    ['[!a]*.md', 'a.md', false],
    ['a+b(c).txt', 'a+b(c).txt', true],
  ];
  for (const [glob, path, want] of cases) {
    it(`${glob} ${want ? 'matches' : 'does not match'} ${path}`, () => expect(matchGlob(glob, path)).toBe(want));
  }
  it('accepts ./ prefixes and backslashes', () => {
    expect(matchGlob('src/**', './src/a.ts')).toBe(true);
    expect(matchGlob('src/**', 'src\\a.ts')).toBe(true);
  });
  it('compiles to an anchored regex', () => {
    expect(globToRegExp('src/**').source).toBe('^src\\/.*$');
  });
});

describe('classifyPath (seed defaults, first match wins)', () => {
  it.each([
    ['claude_hitl_template/agent.py', 'code'],
    ['src/app.ts', 'code'],
    ['data/config/prompts.yaml', 'code'],
    ['.claude/settings.json', 'config'],
    ['.claude/hooks/check.py', 'config'],
    ['Dockerfile', 'build'],
    ['requirements.txt', 'build'],
    ['pyproject.toml', 'build'],
    ['package.json', 'build'],
    ['.env', 'env'],
    ['.env.production', 'env'],
    ['README.md', 'ignore'],
    ['.ferry/last-deploy.json', 'ignore'],
    ['.ferry/state/deploy/x.py', 'ignore'],
  ])('%s → %s', (path, cls) => expect(classifyPath(path)).toBe(cls));

  it('uses configured rules in order', () => {
    const rules = [
      { glob: 'docs/**', class: 'ignore' as const },
      { glob: '**/*.md', class: 'code' as const },
    ];
    expect(classifyPath('docs/a.md', rules)).toBe('ignore');
    expect(classifyPath('notes/a.md', rules)).toBe('code');
    expect(classifyPath('agent.py', rules)).toBe('ignore');
  });

  it('has the seed order: env before config dirs before build files before code', () => {
    expect(DEFAULT_PATH_RULES.map((r) => r.class)).toEqual([
      'env',
      'config',
      'build',
      'build',
      'build',
      'build',
      'code',
      'code',
      'code',
    ]);
  });
});

describe('git output parsing', () => {
  it('parses porcelain v1 -z including renames and untracked files', () => {
    const out = ' M src/a.py\0?? .claude/new.md\0R  new.py\0old.py\0D  gone.txt\0A  added.py\0MM both.py\0';
    expect(parsePorcelainZ(out)).toEqual([
      { path: 'src/a.py', change: 'modified' },
      { path: '.claude/new.md', change: 'untracked' },
      { path: 'new.py', change: 'renamed' },
      { path: 'old.py', change: 'deleted' },
      { path: 'gone.txt', change: 'deleted' },
      { path: 'added.py', change: 'added' },
      { path: 'both.py', change: 'modified' },
    ]);
  });
  it('keeps spaces in paths', () => {
    expect(parsePorcelainZ(' M dir with space/a b.py\0')).toEqual([
      { path: 'dir with space/a b.py', change: 'modified' },
    ]);
  });
  it('parses diff --name-only -z', () => {
    expect(parseNameOnlyZ('a.py\0b/c.py\0')).toEqual(['a.py', 'b/c.py']);
    expect(parseNameOnlyZ('')).toEqual([]);
  });
});

describe('ferry files are never deploy inputs', () => {
  it.each(['.ferry/last-deploy.json', 'sub/.ferry/state/deploy/x.py', 'src/.ferry/runs/a/events.jsonl'])(
    '%s → ignore',
    (p) => expect(classifyPath(p)).toBe('ignore'),
  );
});
