// The unreleased history of a repo read through its cat-file session instead of a `git log`
// process: one commit object at a time from the head down to the base. In a polyrepo the range
// since the last tag is short and linear, and a process per repo saved is most of what a repo
// costs beyond the floor (spawning git is the plan's largest single cost there). Anything git would
// have to decide (a merge and the order of its sides, a base off the chain, a shallow or grafted
// boundary, a non-UTF-8 message, a long range) returns null, and the caller runs `git log`.

import type { CatFile } from './cat-file.js';
import type { Walked } from './facts.js';

/** Past this many commits one `git log` is cheaper than the round trips (and the walk is the floor's own). */
export const CAT_WALK_MAX = 400;

interface Commit {
  parents: string[];
  message: string;
}

/** A raw commit object: its parents and message, or null when git's log would print it differently. */
export function parseCommit(data: Buffer): Commit | null {
  const text = data.toString('utf8');
  const end = text.indexOf('\n\n');
  const head = end === -1 ? text : text.slice(0, end);
  const parents: string[] = [];
  for (const line of head.split('\n')) {
    if (line.startsWith('parent ')) parents.push(line.slice(7));
    // %B re-encodes a message stored in another encoding; leave that to git.
    else if (line.startsWith('encoding ') && !/^encoding utf-?8$/i.test(line)) return null;
  }
  return { parents, message: end === -1 ? '' : text.slice(end + 2) };
}

/**
 * What `git log --format=%H %P%B <head> ^<base>` lists (newest first, no file names), when the
 * history from `head` down to `base` is a chain of single-parent commits no longer than `max`;
 * null otherwise. `base` null: down to the root commit.
 *
 * The chain is asked for in batches, `<head>~i` for the next i's in one write (first parents, so
 * each answer must be the parent the one before it names): a round trip per batch, not per commit.
 */
export async function catWalk(cat: CatFile, head: string, base: string | null, max: number): Promise<Walked[] | null> {
  const out: Walked[] = [];
  // The commit the next answer must be (null: the chain ended at a root).
  let next: string | null = head;
  for (let batch = 8; next !== null && next !== base; batch = Math.min(batch * 2, 128)) {
    const from = out.length;
    const objs = await Promise.all(Array.from({ length: batch }, (_, i) => cat.read(`${head}~${from + i}`)));
    for (const o of objs) {
      if (next === null || next === base) break;
      if (out.length >= max) return null;
      // Missing where a parent is named (a shallow clone's boundary is a root to git): git's call.
      if (!o || o.type !== 'commit' || o.oid !== next) return null;
      const c = parseCommit(o.data);
      if (!c || c.parents.length > 1) return null;
      out.push({ sha: next, parents: c.parents, message: c.message.trim(), files: [[]] });
      next = c.parents[0] ?? null;
    }
  }
  // The chain ended without meeting the base: the base is not an ancestor, and which commits it
  // excludes is git's call (it may share history with the chain through another branch).
  if (next === null && base !== null) return null;
  return out;
}
