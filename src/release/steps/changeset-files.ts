// The changeset half of CHANGELOG: a released package consumes its entries in the changeset files
// that asked for it (a file is deleted when its last entry goes), inside the unit's worktree, so
// the release commit carries the deletions. Each edit is computed from the file itself: re-running
// it after a crash finds the entry gone and changes nothing.

import { join } from 'node:path';
import { rm, writeFile } from 'node:fs/promises';
import { consumeChangeset, type ChangesetIntent } from '../changesets.js';
import { readTextOrNull } from '../../util/fs.js';
import { repoOf, unitOf, type Ctx } from './deps.js';

/** The distinct changeset files a package's release consumes (repo-relative). */
function files(ctx: Ctx, pkg: string): ChangesetIntent[] {
  const seen = new Set<string>();
  return (ctx.data.changesets?.[pkg] ?? []).filter((c) => !seen.has(c.file) && seen.add(c.file));
}

/** Dry-run lines: which files are deleted and which only lose this package's entry. */
export function describeConsumed(ctx: Ctx, pkg: string): string[] {
  const dir = unitOf(ctx, repoOf(ctx, pkg).unit).worktree_path;
  return files(ctx, pkg).map((c) => {
    // Deleted once every package it names is released by this run; else it keeps the others' entries.
    const left = c.packages.filter((p) => p !== pkg && !ctx.data.changesets?.[p]?.some((o) => o.file === c.file));
    return left.length
      ? `${join(dir, c.file)}: drop "${pkg}" (consumed; kept for ${left.join(', ')})`
      : c.packages.length > 1
        ? `${join(dir, c.file)}: drop "${pkg}" (consumed; the file is deleted with the last of ${c.packages.join(', ')}, all released now)`
        : `${join(dir, c.file)}: delete (consumed)`;
  });
}

/** Consume the package's entries in the worktree; returns the files changed or deleted. */
export async function consumeChangesets(ctx: Ctx, pkg: string): Promise<string[]> {
  const dir = unitOf(ctx, repoOf(ctx, pkg).unit).worktree_path;
  const changed: string[] = [];
  for (const c of files(ctx, pkg)) {
    const path = join(dir, c.file);
    const text = await readTextOrNull(path);
    if (text === null) continue;
    const after = consumeChangeset(c.file, text, pkg);
    if (after === text) continue;
    if (after === null) await rm(path, { force: true });
    else await writeFile(path, after);
    changed.push(c.file);
  }
  return changed;
}
