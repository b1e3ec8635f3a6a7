// Changeset intents (issue 19 point 1, reading half): a `.changeset/<id>.md` file holds YAML
// frontmatter `"pkg": major|minor|patch` and then a summary. Pure: the caller reads the files.

import { parse } from 'yaml';
import type { Bump } from './conventional.js';
import { ErrorCode, FerryError } from '../errors.js';

export interface ChangesetIntent {
  package: string;
  bump: Bump;
  /** The file that asked for it (repo-relative), shown in the plan. */
  file: string;
  summary: string;
}

const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n?---\r?\n?([\s\S]*)$/;
const BUMPS: readonly string[] = ['major', 'minor', 'patch'];

/**
 * The intents of one changeset file. A file without frontmatter (README.md in `.changeset/`)
 * holds none; an empty frontmatter is a changeset that releases nothing.
 * @throws CONFIG_INVALID for frontmatter that is not a map of package → major|minor|patch.
 */
export function parseChangeset(file: string, text: string): ChangesetIntent[] {
  const m = FRONTMATTER.exec(text.replace(/^\uFEFF/, ''));
  if (!m) return [];
  let data: unknown;
  try {
    data = parse(m[1] ?? '') ?? {};
  } catch {
    data = undefined;
  }
  const bad = (why: string): FerryError =>
    new FerryError(ErrorCode.CONFIG_INVALID, `${file}: ${why}`, {
      fix: `write its frontmatter as "<package>": major|minor|patch lines between --- markers, or delete ${file}`,
      details: { file },
    });
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw bad('frontmatter is not a map of package → bump');
  const summary = (m[2] ?? '').trim();
  return Object.entries(data as Record<string, unknown>).map(([pkg, bump]) => {
    if (typeof bump !== 'string' || !BUMPS.includes(bump))
      throw bad(`"${pkg}": ${JSON.stringify(bump)} is not major, minor or patch`);
    return { package: pkg, bump: bump as Bump, file, summary };
  });
}

/** Per package, the highest bump its changesets ask for and the files that asked for it. */
export function changesetBumps(intents: readonly ChangesetIntent[]): Map<string, { bump: Bump; files: string[] }> {
  const rank: Record<Bump, number> = { patch: 1, minor: 2, major: 3 };
  const out = new Map<string, { bump: Bump; files: string[] }>();
  for (const i of intents) {
    const cur = out.get(i.package);
    if (!cur) out.set(i.package, { bump: i.bump, files: [i.file] });
    else {
      if (rank[i.bump] > rank[cur.bump]) cur.bump = i.bump;
      if (!cur.files.includes(i.file)) cur.files.push(i.file);
    }
  }
  return out;
}
