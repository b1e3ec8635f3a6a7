// `ferry init`'s release settings read from how the repos already release: a changesets repo's
// `.changeset/config.json` (intents, fixed/linked groups, ignore, baseBranch, updateInternalDependents),
// and lockstep groups for monorepos whose members share one version and tags that carry no package
// name (`v1.2.0`). Pure but for reading the config files (the caller lists each repo's tags).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface InitGroup {
  name: string;
  packages: string[];
  mode: 'lockstep' | 'linked';
  tag?: string;
}

export interface InitRelease {
  intents?: 'changesets';
  cascade?: 'out-of-range';
  groups: InitGroup[];
  ignore: string[];
  /** Repo → branch from changesets' baseBranch (when it is not `main`). */
  baseBranch: Map<string, string>;
  /** Comment lines saying where each setting came from. */
  notes: string[];
  warnings: string[];
}

interface InitPackageLike {
  name: string;
  repo: string;
  version: string | null;
  /** Basename of the package directory. */
  dir: string;
}

interface ChangesetsConfig {
  fixed?: unknown;
  linked?: unknown;
  ignore?: unknown;
  baseBranch?: unknown;
  updateInternalDependencies?: unknown;
  ___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH?: { updateInternalDependents?: unknown };
}

const names = (v: unknown): string[][] =>
  Array.isArray(v) ? v.filter(Array.isArray).map((g) => g.filter((n): n is string => typeof n === 'string')) : [];

/** changesets' globs in fixed/linked/ignore (`@acme/*`) matched against package names. */
function expand(patterns: readonly string[], known: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of patterns) {
    if (!p.includes('*')) {
      if (known.includes(p)) out.add(p);
      continue;
    }
    const re = new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    for (const k of known) if (re.test(k)) out.add(k);
  }
  return [...out];
}

/** The release settings `ferry init` writes for the discovered packages of the repos under `dir`. */
export function inferReleaseSettings(
  dir: string,
  packages: readonly InitPackageLike[],
  tagsOf: ReadonlyMap<string, readonly string[]> = new Map(),
): InitRelease {
  const out: InitRelease = { groups: [], ignore: [], baseBranch: new Map(), notes: [], warnings: [] };
  const repos = [...new Set(packages.map((p) => p.repo))].sort();
  const changesetRepos: string[] = [];
  let internal: string | null = null;
  for (const repo of repos) {
    const file = join(dir, repo, '.changeset', 'config.json');
    if (!existsSync(file)) continue;
    let cfg: ChangesetsConfig;
    try {
      cfg = JSON.parse(readFileSync(file, 'utf8')) as ChangesetsConfig;
    } catch {
      out.warnings.push(`${repo}/.changeset/config.json is not valid JSON: its settings were not read`);
      continue;
    }
    changesetRepos.push(repo);
    const known = packages.filter((p) => p.repo === repo).map((p) => p.name);
    const groups = (kind: 'fixed' | 'linked', list: string[][]): void =>
      list.forEach((g, i) => {
        const members = expand(g, known);
        if (members.length >= 2)
          out.groups.push({
            name: `${repo}-${kind}${list.length > 1 ? `-${i + 1}` : ''}`,
            packages: members,
            mode: kind === 'fixed' ? 'lockstep' : 'linked',
          });
      });
    groups('fixed', names(cfg.fixed));
    groups('linked', names(cfg.linked));
    out.ignore.push(...expand(Array.isArray(cfg.ignore) ? (cfg.ignore as string[]) : [], known));
    if (typeof cfg.baseBranch === 'string' && cfg.baseBranch !== 'main') out.baseBranch.set(repo, cfg.baseBranch);
    const dependents = cfg.___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH?.updateInternalDependents;
    internal = dependents === 'always' ? 'always' : (internal ?? 'out-of-range');
    if (cfg.updateInternalDependencies === 'minor')
      out.warnings.push(
        `${repo}/.changeset/config.json: updateInternalDependencies "minor" is not followed: ferry moves a released dependent's range on every release (release.pin_style)`,
      );
  }
  if (changesetRepos.length) {
    out.notes.push(`read from ${changesetRepos.map((r) => `${r}/.changeset/config.json`).join(', ')}`);
    // Every repo uses changesets: commits never bump. Mixed: auto (the default) reads both where they exist.
    if (changesetRepos.length === repos.length) out.intents = 'changesets';
    if (internal === 'out-of-range') out.cascade = 'out-of-range';
  }
  // Lockstep proposals: members of one repo at one version whose repo tags carry no package name.
  for (const repo of repos) {
    const members = packages.filter((p) => p.repo === repo);
    if (members.length < 2 || out.groups.some((g) => g.packages.some((n) => members.some((m) => m.name === n))))
      continue;
    const version = members[0]!.version;
    if (version === null || !members.every((m) => m.version === version)) continue;
    const tags = tagsOf.get(repo) ?? [];
    const named = tags.some((t) => members.some((m) => t.includes(m.name) || t.includes(m.dir)));
    const bare = tags.filter((t) => /^v?\d+(\.\d+)*([-.+]?[0-9A-Za-z.]*)?$/.test(t));
    if (named || !bare.length) continue;
    const tag = bare.every((t) => t.startsWith('v')) ? 'v{version}' : '{version}';
    out.groups.push({ name: repo, packages: members.map((m) => m.name), mode: 'lockstep', tag });
    out.notes.push(
      `${repo}: its packages share version ${version} and the repo's tags carry no package name (${bare.at(-1)}): one lockstep group, one tag`,
    );
  }
  return out;
}

const q = (s: string): string => (/^[A-Za-z0-9_][A-Za-z0-9._/-]*$/.test(s) ? s : JSON.stringify(s));

/** The `release:` lines for the settings (empty when there are none). */
export function renderInitRelease(r: InitRelease): string[] {
  const lines: string[] = [];
  if (r.intents) lines.push(`  intents: ${r.intents}`);
  if (r.cascade) lines.push(`  cascade: ${r.cascade}`);
  if (r.groups.length) {
    lines.push('  groups:');
    for (const g of r.groups)
      lines.push(
        `    - { name: ${q(g.name)}, packages: [${g.packages.map(q).join(', ')}], mode: ${g.mode}${g.tag ? `, tag: ${JSON.stringify(g.tag)}` : ''} }`,
      );
  }
  if (r.ignore.length) lines.push(`  ignore: [${r.ignore.map(q).join(', ')}]`);
  if (!lines.length) return [];
  return [
    '# How these repos already release (see the notes below); ferry follows it.',
    ...r.notes.map((n) => `# ${n}`),
    'release:',
    ...lines,
    '',
  ];
}
