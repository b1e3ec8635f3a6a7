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

/** Classify one commit message (subject + body) with the full parser: the reference the fast path must equal. */
export function classifyCommitFull(sha: string, message: string, bumpTypes: BumpTypes = {}): ClassifiedCommit {
  const c = parser.parse(message);
  const type = c.type ? c.type.toLowerCase() : null;
  const breaking = c.breaking === '!' || c.notes.some((n) => /^BREAKING[ -]CHANGE$/i.test(n.title));
  const subject = c.subject ?? c.header ?? message.split('\n')[0] ?? '';
  return classified(sha, type, c.scope ?? null, subject, breaking, bumpTypes);
}

function classified(
  sha: string,
  type: string | null,
  scope: string | null,
  subject: string,
  breaking: boolean,
  bumpTypes: BumpTypes,
): ClassifiedCommit {
  let bump: Bump | null = null;
  if (breaking) bump = 'major';
  else if (type === 'feat') bump = 'minor';
  else if (type === 'fix') bump = 'patch';
  else if (type && bumpTypes[type] && bumpTypes[type] !== 'none') bump = bumpTypes[type] as Bump;
  return { sha, type, scope, subject, breaking, releasing: bump !== null, bump };
}

const HEADER = /^(\w*)(?:\(([^)]*)\))?(!)?: (.*)$/;
/**
 * What only the full parser decides the same way: a breaking-change note (its line grammar),
 * gpg lines it drops, CR line ends it splits on, and blank messages it rejects.
 */
const NEEDS_FULL = /BREAKING[ -]CHANGE|gpg:|\r/i;

/**
 * Classify one commit message (subject + body). Planning reads tens of thousands of commits: the
 * header is one regex, and the full parser (issue references, mentions, reverts, which nothing
 * here uses) runs only for the rare message that names a breaking change in its body.
 */
export function classifyCommit(sha: string, message: string, bumpTypes: BumpTypes = {}): ClassifiedCommit {
  if (NEEDS_FULL.test(message) || !message.trim()) return classifyCommitFull(sha, message, bumpTypes);
  const text = message.replace(/^\n+/, '');
  const nl = text.indexOf('\n');
  const header = nl === -1 ? text : text.slice(0, nl);
  const m = HEADER.exec(header);
  const subject = m?.[4] || header || message.split('\n')[0] || '';
  return classified(sha, m?.[1] ? m[1].toLowerCase() : null, m?.[2] || null, subject, m?.[3] === '!', bumpTypes);
}

/**
 * Highest bump among the commits, or null when none of them releases. `defaultBump`
 * (release.default_bump) is the bump of a commit that is not conventional at all (no `type:`
 * header); a conventional commit that does not release (`chore:`) stays without one.
 */
export function inferBump(
  commits: readonly { bump: Bump | null; type?: string | null }[],
  defaultBump: Bump | null = null,
): Bump | null {
  let best: Bump | null = null;
  for (const c of commits) {
    const bump = c.bump ?? (defaultBump && !c.type ? defaultBump : null);
    if (bump && (!best || RANK[bump] > RANK[best])) best = bump;
  }
  return best;
}

/** True when none of the commits is a conventional commit (none has a `type:` header). */
export function noneConventional(commits: readonly { type?: string | null }[]): boolean {
  return commits.length > 0 && commits.every((c) => !c.type);
}
