// Bump intents besides conventional commits (release.intents): the changesets of each repo, read
// once per repo at its release ref. What they ask for is decided in scan.ts (planRow); what they
// say goes into ReleaseData so CHANGELOG writes their summaries and consumes the files.

import type { Git } from '../adapters/git/git.js';
import type { ReleaseConfig } from '../config/sections/release.js';
import { mapLimit } from '../util/concurrency.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CHANGESET_DIR, readChangesets, type ChangesetIntent } from './changesets.js';
import type { ReleasePackage } from './types.js';

/**
 * Changeset intents per repo dir (none read when release.intents is `conventional`). A changeset
 * naming a package that is not configured in its repo is reported in a note and asks for nothing.
 */
export async function repoChangesets(
  git: Git,
  pkgs: readonly Pick<ReleasePackage, 'name' | 'repoDir' | 'repo'>[],
  refs: ReadonlyMap<string, string>,
  mode: ReleaseConfig['intents'],
  note: (m: string) => void,
  concurrency = 8,
): Promise<Map<string, ChangesetIntent[]>> {
  const out = new Map<string, ChangesetIntent[]>();
  if (mode === 'conventional') return out;
  // auto: only repos that use changesets (their clone has `.changeset/`); no git process for the others.
  const dirs = [...new Set(pkgs.map((p) => p.repoDir))].filter(
    (d) => mode === 'changesets' || existsSync(join(d, CHANGESET_DIR)),
  );
  const read = await mapLimit(dirs, concurrency, (dir) => readChangesets(git, dir, refs.get(dir) ?? 'HEAD'));
  dirs.forEach((dir, i) => {
    const known = new Set(pkgs.filter((p) => p.repoDir === dir).map((p) => p.name));
    const intents = read[i] ?? [];
    const repo = pkgs.find((p) => p.repoDir === dir)?.repo ?? dir;
    for (const c of intents.filter((x) => !known.has(x.package)))
      note(`note: ${repo}/${c.file} names ${c.package}, which is not a configured package of ${repo}: ignored`);
    out.set(
      dir,
      intents.filter((c) => known.has(c.package)),
    );
  });
  return out;
}

/** Per released package, the changeset intents its release consumes (ReleaseData.changesets). */
export function consumedChangesets(
  byDir: ReadonlyMap<string, readonly ChangesetIntent[]>,
  pkgs: readonly Pick<ReleasePackage, 'name' | 'repoDir'>[],
): Record<string, ChangesetIntent[]> {
  const out: Record<string, ChangesetIntent[]> = {};
  for (const p of pkgs) {
    const mine = (byDir.get(p.repoDir) ?? []).filter((c) => c.package === p.name);
    if (mine.length) out[p.name] = mine;
  }
  return out;
}
