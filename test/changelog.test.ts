import { describe, expect, it } from 'vitest';
import {
  hasChangelogVersion,
  insertChangelogSection,
  renderChangelogSection,
  type ChangelogCommit,
} from '../src/manifest/changelog.js';

const c = (
  sha: string,
  type: string | null,
  subject: string,
  breaking = false,
  scope: string | null = null,
  releasing = true,
): ChangelogCommit => ({ sha, type, scope, subject, breaking, releasing });

describe('changelog', () => {
  const commits = [
    c('a'.repeat(40), 'feat', 'add envelope', false, 'core'),
    c('b'.repeat(40), 'fix', 'close store'),
    c('c'.repeat(40), 'feat', 'drop v1 API', true),
    c('d'.repeat(40), 'chore', 'bump deps', false, null, false),
    c('e'.repeat(40), 'perf', 'faster scan'),
  ];

  it('groups Breaking / Features / Fixes / Other, skipping non-releasing commits', () => {
    expect(renderChangelogSection('2.0.0', '2026-02-25', commits)).toBe(
      [
        '## 2.0.0 (2026-02-25)',
        '',
        '### Breaking Changes',
        '',
        '- drop v1 API (ccccccc)',
        '',
        '### Features',
        '',
        '- **core:** add envelope (aaaaaaa)',
        '',
        '### Fixes',
        '',
        '- close store (bbbbbbb)',
        '',
        '### Other Changes',
        '',
        '- faster scan (eeeeeee)',
        '',
      ].join('\n'),
    );
  });

  it('inserts above the newest section, below the title; idempotent by version header', () => {
    const existing = '# Changelog\n\nAll notable changes.\n\n## 1.0.0 (2026-01-01)\n\n- first\n';
    const section = renderChangelogSection('1.1.0', '2026-02-25', [commits[1]!]);
    const out = insertChangelogSection(existing, '1.1.0', section);
    expect(out).toBe(
      '# Changelog\n\nAll notable changes.\n\n## 1.1.0 (2026-02-25)\n\n### Fixes\n\n- close store (bbbbbbb)\n\n## 1.0.0 (2026-01-01)\n\n- first\n',
    );
    expect(insertChangelogSection(out, '1.1.0', section)).toBe(out);
    expect(insertChangelogSection(null, '1.1.0', section)).toBe(`# Changelog\n\n${section}`);
    expect(hasChangelogVersion('## [1.1.0] - x', '1.1.0')).toBe(true);
    expect(hasChangelogVersion('## 1.1.01', '1.1.0')).toBe(false);
  });
});
