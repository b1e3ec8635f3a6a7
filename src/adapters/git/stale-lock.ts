// A git killed mid-write (kill -9 of ferry during `git fetch`, a crashed editor hook) leaves its
// `<file>.lock` behind, and every later git that writes the same ref or packed-refs fails with
// "Unable to create '….lock': File exists" — a run no resume could finish. A live git holds such a
// lock for milliseconds, so a lock whose mtime is unchanged a second later is stale and is removed.
import { statSync, unlinkSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const LOCK_EXISTS = /Unable to create '([^']+\.lock)': File exists/g;

/** The lock files a failed git's output names as already existing (absolute paths). */
export function lockFilesNamed(output: string, cwd: string): string[] {
  return [...new Set([...output.matchAll(LOCK_EXISTS)].map((m) => (isAbsolute(m[1]!) ? m[1]! : resolve(cwd, m[1]!))))];
}

/** Removes the named locks that no live git touched within `waitMs`; true when at least one went. */
export async function removeStaleLocks(paths: readonly string[], waitMs = 1_000): Promise<boolean> {
  const seen = paths.flatMap((p) => {
    try {
      return [{ p, m: statSync(p).mtimeMs }];
    } catch {
      return [];
    }
  });
  if (!seen.length) return false;
  await sleep(waitMs);
  let removed = false;
  for (const { p, m } of seen) {
    try {
      if (statSync(p).mtimeMs === m) {
        unlinkSync(p);
        removed = true;
      }
    } catch {
      /* gone: its git finished */
    }
  }
  return removed;
}
