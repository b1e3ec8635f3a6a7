// readRepoFacts (one for-each-ref, one log, in-memory ranges) must give every package exactly the
// commits a path-limited `git log <its last tag>..<head> -- <its dir>` gives, on a long generated
// monorepo, on a maintenance branch (tags merged into the head only), and across merges whose
// side branches carry tags (ranges that reach below the oldest tag's walk).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Git } from '../src/adapters/git/git.js';
import { exec } from '../src/util/process.js';
import { readRepoFacts } from '../src/release/facts.js';
import type { ReleasePackage } from '../src/release/types.js';
import { git as fixtureGit } from '../src/testkit/git.js';
import semver from 'semver';
import { longHistory } from './fixtures/shapes/long-history.js';

/** The test's decision: the highest `{name}@x.y.z` (the pure choice is not what this file tests). */
function lastTagOf(p: ReleasePackage, tags: readonly string[]): { tag: string; version: string } | null {
  let best: { tag: string; version: string } | null = null;
  for (const tag of tags) {
    if (!tag.startsWith(`${p.name}@`)) continue;
    const version = tag.slice(p.name.length + 1);
    if (semver.valid(version) && (!best || semver.gt(version, best.version))) best = { tag, version };
  }
  return best;
}
const root = mkdtempSync(join(tmpdir(), 'ferry-facts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function pkgs(dir: string, names: readonly string[]): ReleasePackage[] {
  return names.map((name) => ({
    name,
    repo: 'mono',
    repoDir: dir,
    path: `packages/${name}`,
    ecosystem: 'npm' as const,
    publish: false as const,
    tier: 1,
    deps: [],
    tag: '{name}@{version}',
    versionFiles: [],
    mainBranch: 'main',
  }));
}

/** The reference: one path-limited log per package from its last tag (what scanning did before). */
async function expected(
  dir: string,
  ref: string,
  packages: readonly ReleasePackage[],
  lastTag: (n: string) => string | null,
) {
  const git = new Git(exec);
  const out: Record<string, string[]> = {};
  for (const p of packages) {
    const t = lastTag(p.name);
    out[p.name] = (await git.log(dir, t ? `${t}..${ref}` : ref, [p.path])).map((c) => c.sha);
  }
  return out;
}

describe('release facts: one history walk per repo', () => {
  it('gives each package the commits of its own path-limited log, on a 2 000-commit monorepo', async () => {
    const dir = join(root, 'mono');
    const h = longHistory(dir, { packages: 25, commits: 2000, seed: 11 });
    const packages = pkgs(dir, h.names);
    const facts = await readRepoFacts(dir, packages, { tracking: null, local: 'refs/heads/main', lastTagOf });
    expect(facts.head.ref).toBe('HEAD');
    const got = Object.fromEntries(h.names.map((n) => [n, facts.packages.get(n)!.commits.map((c) => c.sha)]));
    for (const n of h.names) expect(facts.packages.get(n)!.lastTag?.tag).toBe(h.lastTag[n]);
    expect(got).toEqual(await expected(dir, 'HEAD', packages, (n) => h.lastTag[n]!));
    // Tagged packages need no manifest; the message is the full one.
    expect(facts.packages.get(h.names[0]!)!.manifestVersion).toBeNull();
  });

  it('sees only the tags merged into the head, and derives ranges across tagged side branches', async () => {
    const dir = join(root, 'branchy');
    const h = longHistory(dir, { packages: 6, commits: 300, seed: 5 });
    const g = (args: string[], tick = 0) => fixtureGit(dir, args, tick);
    const [a, b] = h.names as [string, string];
    // A maintenance branch from the initial commit with a higher tag that main must not see.
    await g(['branch', 'maint', `${a}@0.1.0`]);
    await g(['checkout', '-q', 'maint']);
    await g(['commit', '-q', '--allow-empty', '-m', 'fix: on maint'], 1);
    await g(['tag', `${a}@9.0.0`]);
    // A side branch off an old commit, tagged for b, touching b, merged into main afterwards.
    await g(['checkout', '-q', '-b', 'side', `${b}@0.1.0`]);
    await g(['commit', '-q', '--allow-empty', '-m', 'chore: side start'], 2);
    rmSync(join(dir, 'packages', b, 'x.js'), { force: true });
    await import('node:fs').then((fs) => fs.writeFileSync(join(dir, 'packages', b, 'x.js'), 'side\n'));
    await g(['add', '-A']);
    await g(['commit', '-q', '-m', 'feat: side change'], 3);
    await g(['tag', `${b}@5.0.0`]);
    await g(['checkout', '-q', 'main']);
    await g(['merge', '-q', '--no-ff', '-m', 'Merge side', 'side'], 4);
    const packages = pkgs(dir, h.names);
    const facts = await readRepoFacts(dir, packages, { tracking: null, local: 'refs/heads/main', lastTagOf });
    expect(facts.packages.get(a)!.lastTag?.tag).toBe(h.lastTag[a]); // not maint's 9.0.0
    expect(facts.packages.get(b)!.lastTag?.tag).toBe(`${b}@5.0.0`);
    const got = Object.fromEntries(h.names.map((n) => [n, facts.packages.get(n)!.commits.map((c) => c.sha)]));
    const last = (n: string) => facts.packages.get(n)!.lastTag!.tag;
    expect(got).toEqual(await expected(dir, 'HEAD', packages, last));

    // From the maintenance branch, its own tag is the last release.
    await g(['checkout', '-q', 'maint']);
    const onMaint = await readRepoFacts(dir, packages, {
      tracking: null,
      local: 'refs/heads/maint',
      lastTagOf,
    });
    expect(onMaint.packages.get(a)!.lastTag?.tag).toBe(`${a}@9.0.0`);
    expect(onMaint.packages.get(b)!.lastTag?.tag).toBe(`${b}@0.1.0`);
  });

  it('reads the manifest of a package never tagged, through one cat-file', async () => {
    const dir = join(root, 'fresh');
    const h = longHistory(dir, { packages: 3, commits: 40, seed: 2 });
    const tags = (await fixtureGit(dir, ['tag', '--list', `${h.names[0]}@*`])).split('\n');
    await fixtureGit(dir, ['tag', '-d', ...tags]);
    const packages = pkgs(dir, h.names);
    const facts = await readRepoFacts(dir, packages, { tracking: null, local: 'refs/heads/main', lastTagOf });
    const f = facts.packages.get(h.names[0]!)!;
    expect(f.lastTag).toBeNull();
    expect(f.manifestVersion).toMatch(/^0\.1\.\d+$/);
    expect(f.commits.map((c) => c.sha)).toEqual(
      (await expected(dir, 'HEAD', packages.slice(0, 1), () => null))[h.names[0]!],
    );
  });
});
