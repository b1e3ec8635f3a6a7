// ferry.yaml rules for release.groups and release.ignore that zod cannot express locally: members
// are configured packages, a package is in one group at most, and a group's single tag lives in one
// repo (its members' release commit). Pure: config in, (key path, message) pairs out.

import type { FerryConfig } from './schema.js';

type KeyPath = (string | number)[];

/** The group tag each package is tagged with (lockstep groups with `tag`), by package name. */
export function groupTagOf(config: Pick<FerryConfig, 'release'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const g of config.release.groups)
    if (g.tag && g.mode === 'lockstep') for (const p of g.packages) out.set(p, g.tag.replaceAll('{name}', g.name));
  return out;
}

export function groupIssues(config: Pick<FerryConfig, 'packages' | 'release'>): [KeyPath, string][] {
  const out: [KeyPath, string][] = [];
  const byName = new Map(config.packages.map((p) => [p.name, p]));
  const member = new Map<string, string>();
  const names = new Set<string>();
  config.release.groups.forEach((g, i) => {
    if (names.has(g.name)) out.push([['release', 'groups', i, 'name'], `duplicate group name ${g.name}`]);
    names.add(g.name);
    g.packages.forEach((p, j) => {
      if (!byName.has(p))
        out.push([
          ['release', 'groups', i, 'packages', j],
          `unknown package ${JSON.stringify(p)} (expected a configured package name)`,
        ]);
      const other = member.get(p);
      if (other !== undefined) out.push([['release', 'groups', i, 'packages', j], `${p} is already in group ${other}`]);
      member.set(p, g.name);
    });
    if (g.tag && g.mode === 'linked')
      out.push([
        ['release', 'groups', i, 'tag'],
        'a linked group has no tag of its own (only lockstep groups share one)',
      ]);
    const repos = new Set(
      g.packages
        .map((p) => byName.get(p))
        .filter((p) => p !== undefined)
        .map((p) => p.repo ?? p.name),
    );
    if (g.tag && repos.size > 1)
      out.push([
        ['release', 'groups', i, 'tag'],
        `group ${g.name} spans repos ${[...repos].sort().join(', ')}: one tag needs one repo (drop tag: to tag each member on its own)`,
      ]);
  });
  config.release.ignore.forEach((p, i) => {
    if (!byName.has(p))
      out.push([['release', 'ignore', i], `unknown package ${JSON.stringify(p)} (expected a configured package name)`]);
  });
  return out;
}
