// Changeset intents (issue 19 point 1): a `.changeset/<id>.md` file holds YAML frontmatter
// `"pkg": major|minor|patch` and then a summary. Parsing, per-package bumps, the CHANGELOG groups
// and consuming a file are pure; readChangesets is the IO half (one `git ls-tree` per repo).

import { parse } from 'yaml';
import type { Bump } from './conventional.js';
import type { Git } from '../adapters/git/git.js';
import { ErrorCode, FerryError } from '../errors.js';

export interface ChangesetIntent {
  package: string;
  bump: Bump;
  /** The file that asked for it (repo-relative), shown in the plan. */
  file: string;
  summary: string;
  /** Every package the file names (it is deleted once all of them are released). */
  packages: string[];
}

/** Where changesets live in a repo (the changesets CLI's fixed directory). */
export const CHANGESET_DIR = '.changeset';

const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n?---\r?\n?([\s\S]*)$/;
const BUMPS: readonly string[] = ['major', 'minor', 'patch'];
const RANK: Record<Bump, number> = { patch: 1, minor: 2, major: 3 };

/** The higher of two bumps (null = none). */
export function maxBump(a: Bump | null, b: Bump | null): Bump | null {
  if (!a) return b;
  if (!b) return a;
  return RANK[b] > RANK[a] ? b : a;
}

function frontmatter(file: string, text: string): { data: Record<string, unknown>; body: string } | null {
  const m = FRONTMATTER.exec(text.replace(/^\uFEFF/, ''));
  if (!m) return null;
  let data: unknown;
  try {
    data = parse(m[1] ?? '') ?? {};
  } catch {
    data = undefined;
  }
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw badChangeset(file, 'frontmatter is not a map of package → bump');
  return { data: data as Record<string, unknown>, body: m[2] ?? '' };
}

function badChangeset(file: string, why: string): FerryError {
  return new FerryError(ErrorCode.CONFIG_INVALID, `${file}: ${why}`, {
    fix: `write its frontmatter as "<package>": major|minor|patch lines between --- markers, or delete ${file}`,
    details: { file },
  });
}

/**
 * The intents of one changeset file. A file without frontmatter (README.md in `.changeset/`)
 * holds none; an empty frontmatter is a changeset that releases nothing.
 * @throws CONFIG_INVALID for frontmatter that is not a map of package → major|minor|patch.
 */
export function parseChangeset(file: string, text: string): ChangesetIntent[] {
  const fm = frontmatter(file, text);
  if (!fm) return [];
  const summary = fm.body.trim();
  const packages = Object.keys(fm.data);
  return Object.entries(fm.data).map(([pkg, bump]) => {
    if (typeof bump !== 'string' || !BUMPS.includes(bump))
      throw badChangeset(file, `"${pkg}": ${JSON.stringify(bump)} is not major, minor or patch`);
    return { package: pkg, bump: bump as Bump, file, summary, packages };
  });
}

/** Per package, the highest bump its changesets ask for and the files that asked for it. */
export function changesetBumps(intents: readonly ChangesetIntent[]): Map<string, { bump: Bump; files: string[] }> {
  const out = new Map<string, { bump: Bump; files: string[] }>();
  for (const i of intents) {
    const cur = out.get(i.package);
    if (!cur) out.set(i.package, { bump: i.bump, files: [i.file] });
    else {
      cur.bump = maxBump(cur.bump, i.bump) ?? cur.bump;
      if (!cur.files.includes(i.file)) cur.files.push(i.file);
    }
  }
  return out;
}

/**
 * The file after `pkg` consumed its entry: null when no entry is left (the file is deleted), the
 * text unchanged when it has no entry for `pkg` (already consumed, or never named it).
 */
export function consumeChangeset(file: string, text: string, pkg: string): string | null {
  const fm = frontmatter(file, text);
  if (!fm || !(pkg in fm.data)) return text;
  const rest = Object.entries(fm.data).filter(([name]) => name !== pkg);
  if (rest.length === 0) return null;
  const lines = rest.map(([name, bump]) => `${JSON.stringify(name)}: ${String(bump)}`);
  return `---\n${lines.join('\n')}\n---\n${fm.body.startsWith('\n') ? '' : '\n'}${fm.body}`;
}

/** CHANGELOG groups in changesets' own words (Major / Minor / Patch Changes), one item per summary. */
export function changesetGroups(intents: readonly Pick<ChangesetIntent, 'bump' | 'summary'>[]): string {
  const out: string[] = [];
  for (const [bump, title] of [
    ['major', 'Major Changes'],
    ['minor', 'Minor Changes'],
    ['patch', 'Patch Changes'],
  ] as const) {
    const items = intents.filter((i) => i.bump === bump && i.summary);
    if (!items.length) continue;
    // A summary of several lines stays one list item (its later lines indented under the dash).
    const item = (s: string): string => `- ${s.split('\n').join('\n  ').replace(/ +$/gm, '')}`;
    out.push(`### ${title}\n\n${items.map((i) => item(i.summary)).join('\n')}`);
  }
  return out.join('\n\n');
}

/**
 * Every changeset intent of a repo at `ref` (the files directly in `.changeset/`; README.md and
 * config.json hold none). @throws CONFIG_INVALID for a malformed changeset.
 */
export async function readChangesets(git: Git, dir: string, ref: string): Promise<ChangesetIntent[]> {
  const files = (await git.listFiles(dir, ref, CHANGESET_DIR)).filter((f) => f.endsWith('.md')).sort();
  const out: ChangesetIntent[] = [];
  for (const f of files) {
    const text = await git.show(dir, ref, f);
    if (text !== null) out.push(...parseChangeset(f, text));
  }
  return out;
}
