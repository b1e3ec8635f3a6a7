// Conventional commits → bump level (feat minor, fix patch, `!` or BREAKING CHANGE major;
// other types only when release.bump_types names them) and changelog entries.

import { CommitParser } from 'conventional-commits-parser';
import type { ChangelogCommit } from '../manifest/changelog.js';

export type Bump = 'major' | 'minor' | 'patch';
export type BumpTypes = Readonly<Record<string, Bump | 'none'>>;

const parser = new CommitParser({
  headerPattern: /^(\w*)(?:\(([^)]*)\))?(!)?: (.*)$/,
  headerCorrespondence: ['type', 'scope', 'breaking', 'subject'],
  noteKeywords: ['BREAKING CHANGE', 'BREAKING-CHANGE'],
});

const RANK: Record<Bump, number> = { patch: 1, minor: 2, major: 3 };

export interface ClassifiedCommit extends ChangelogCommit {
  bump: Bump | null;
}

/** Classify one commit message (subject + body). */
export function classifyCommit(sha: string, message: string, bumpTypes: BumpTypes = {}): ClassifiedCommit {
  const c = parser.parse(message);
  const type = c.type ? c.type.toLowerCase() : null;
  const breaking = c.breaking === '!' || c.notes.some((n) => /^BREAKING[ -]CHANGE$/i.test(n.title));
  let bump: Bump | null = null;
  if (breaking) bump = 'major';
  else if (type === 'feat') bump = 'minor';
  else if (type === 'fix') bump = 'patch';
  else if (type && bumpTypes[type] && bumpTypes[type] !== 'none') bump = bumpTypes[type] as Bump;
  const subject = c.subject ?? c.header ?? message.split('\n')[0] ?? '';
  return { sha, type, scope: c.scope ?? null, subject, breaking, releasing: bump !== null, bump };
}

/** Highest bump among the commits, or null when none of them releases. */
export function inferBump(commits: readonly { bump: Bump | null }[]): Bump | null {
  let best: Bump | null = null;
  for (const c of commits) if (c.bump && (!best || RANK[c.bump] > RANK[best])) best = c.bump;
  return best;
}
