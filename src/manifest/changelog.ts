// CHANGELOG sections from conventional commits. The version header is the idempotency key:
// a file that already has `## <version>` is left untouched.

export interface ChangelogCommit {
  sha: string;
  type: string | null;
  scope: string | null;
  subject: string;
  breaking: boolean;
  /** Counted in the bump (feat, fix, configured bump_types). */
  releasing: boolean;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Does the changelog already carry a section for this version (`## 1.2.3`, `## [1.2.3]`, `## v1.2.3`)? */
export function hasChangelogVersion(text: string, version: string): boolean {
  return new RegExp(`^##\\s+\\[?v?${escapeRe(version)}\\]?(\\s|$)`, 'm').test(text);
}

function item(c: ChangelogCommit): string {
  const scope = c.scope ? `**${c.scope}:** ` : '';
  return `- ${scope}${c.subject} (${c.sha.slice(0, 7)})`;
}

/** A file's heading style: Keep a Changelog (`## [Unreleased]`, `## [1.2.0] - 2026-12-03`) or plain (`## 1.2.0 (date)`). */
export type ChangelogStyle = 'keep-a-changelog' | 'plain';

const UNRELEASED = /^##\s+\[?Unreleased\]?\s*$/im;

/** Pure: the style of an existing changelog (a new or empty file is plain). */
export function changelogStyle(text: string | null): ChangelogStyle {
  if (!text) return 'plain';
  return UNRELEASED.test(text) || /^##\s+\[[^\]]+\]\s+-\s+\d{4}-\d{2}-\d{2}/m.test(text) ? 'keep-a-changelog' : 'plain';
}

/** Pure: the version heading in the file's own style. */
export function changelogHeading(version: string, date: string, style: ChangelogStyle): string {
  return style === 'keep-a-changelog' ? `## [${version}] - ${date}` : `## ${version} (${date})`;
}

/** `## <version> (<date>)` then Breaking Changes / Features / Fixes / Other Changes, oldest first within a group. */
export function renderChangelogSection(
  version: string,
  date: string,
  commits: readonly ChangelogCommit[],
  style: ChangelogStyle = 'plain',
): string {
  const groups: [string, ChangelogCommit[]][] = [
    ['Breaking Changes', commits.filter((c) => c.breaking)],
    ['Features', commits.filter((c) => !c.breaking && c.type === 'feat')],
    ['Fixes', commits.filter((c) => !c.breaking && c.type === 'fix')],
    ['Other Changes', commits.filter((c) => !c.breaking && c.releasing && c.type !== 'feat' && c.type !== 'fix')],
  ];
  const parts = [changelogHeading(version, date, style)];
  for (const [title, list] of groups) if (list.length) parts.push(`### ${title}\n\n${list.map(item).join('\n')}`);
  if (parts.length === 1) parts.push('- No notable changes.');
  return parts.join('\n\n') + '\n';
}

/**
 * Insert `section` above the newest existing `## ` section (below a `# Title` and intro).
 * Returns the text unchanged when the version is already there.
 */
export function insertChangelogSection(existing: string | null, version: string, section: string): string {
  if (existing === null || existing.trim() === '') return `# Changelog\n\n${section}`;
  if (hasChangelogVersion(existing, version)) return existing;
  // Keep a Changelog: the new version goes under `## [Unreleased]` (and whatever it holds), above the last release.
  const unreleased = UNRELEASED.exec(existing);
  if (unreleased) {
    const rest = existing.slice(unreleased.index + unreleased[0].length);
    const next = /^## /m.exec(rest);
    if (!next) return `${existing.replace(/\n*$/, '')}\n\n${section}`;
    const at = unreleased.index + unreleased[0].length + next.index;
    return `${existing.slice(0, at)}${section}\n${existing.slice(at)}`;
  }
  const m = /^## /m.exec(existing);
  if (!m) return `${existing.replace(/\n*$/, '')}\n\n${section}`;
  return `${existing.slice(0, m.index)}${section}\n${existing.slice(m.index)}`;
}
