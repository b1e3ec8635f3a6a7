// scanRepo (for-each-ref, one log, one cat-file session, in-memory ranges) must give every package
// exactly the commits a path-limited `git log <its base>..<head> -- <its dir>` gives, its base being
// its last tag or, for a manifest ahead of its tags, the newest commit `git log -G` finds changing
// the version line: on a long generated monorepo, on a maintenance branch (tags merged into the head
// only), across merges whose side branches carry tags, and for packages never tagged.
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Git } from '../src/adapters/git/git.js';
import { exec } from '../src/util/process.js';
import { scanRepo } from '../src/release/scan-repo.js';
import type { ReleasePackage } from '../src/release/types.js';
import { git as fixtureGit } from '../src/testkit/git.js';
import { longHistory } from './fixtures/shapes/long-history.js';
import { ferry } from './helpers/ferry.js';

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

/** The reference: one path-limited log per package from its base (what scanning per package did). */
async function expected(
  dir: string,
  ref: string,
  packages: readonly ReleasePackage[],
  lastTag: (n: string) => string | null,
) {
  const git = new Git(exec);
  const out: Record<string, string[]> = {};
  for (const p of packages) {
    const t =
      lastTag(p.name) ??
      (await git.lastCommitChanging(dir, ref, `${p.path}/package.json`, '^[[:space:]]*"version"[[:space:]]*:'));
    out[p.name] = (await git.log(dir, t ? `${t}..${ref}` : ref, [p.path])).map((c) => c.sha);
  }
  return out;
}

const scan = (dir: string, packages: ReleasePackage[], ref = 'HEAD') =>
  scanRepo(dir, packages, { ref, bumpTypes: {}, bumpOverride: null });
const shas = (names: readonly string[], res: Awaited<ReturnType<typeof scan>>) =>
  Object.fromEntries(names.map((n, i) => [n, res[i]!.commits.map((c) => c.sha)]));

describe('release facts: one history walk per repo', () => {
  it('gives each package the commits of its own path-limited log, on a 2 000-commit monorepo', async () => {
    const dir = join(root, 'mono');
    const h = longHistory(dir, { packages: 25, commits: 2000, seed: 11 });
    const packages = pkgs(dir, h.names);
    const res = await scan(dir, packages);
    h.names.forEach((n, i) => expect(res[i]!.truth.lastTag?.tag).toBe(h.lastTag[n]));
    h.names.forEach((_, i) => expect(res[i]!.truth.from).toBe('tag'));
    expect(shas(h.names, res)).toEqual(await expected(dir, 'HEAD', packages, (n) => h.lastTag[n]!));
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
    const res = await scan(dir, packages);
    expect(res[0]!.truth.lastTag?.tag).toBe(h.lastTag[a]); // not maint's 9.0.0
    expect(res[1]!.truth.lastTag?.tag).toBe(`${b}@5.0.0`);
    const last = (n: string) => res[h.names.indexOf(n)]!.truth.lastTag!.tag;
    expect(shas(h.names, res)).toEqual(await expected(dir, 'HEAD', packages, last));

    // From the maintenance branch, its own tag is the last release.
    await g(['checkout', '-q', 'maint']);
    const onMaint = await scan(dir, packages, 'refs/heads/maint');
    expect(onMaint[0]!.truth.lastTag?.tag).toBe(`${a}@9.0.0`);
    expect(onMaint[1]!.truth.lastTag?.tag).toBe(`${b}@0.1.0`);
    // main's 5.0.0 of b is not on maint, but a release of it exists: proposing it again is refused.
    expect(onMaint[1]!.row.current).toBe('0.1.0');
  });

  it('counts, for packages never tagged, only the commits after the one that set the manifest version', async () => {
    const dir = join(root, 'fresh');
    const h = longHistory(dir, { packages: 4, commits: 400, seed: 2 });
    // Two packages lose every tag: their version truth is the manifest, their history starts at the
    // release commit that last set it (or the initial import).
    for (const n of h.names.slice(0, 2)) {
      const tags = (await fixtureGit(dir, ['tag', '--list', `${n}@*`])).split('\n').filter(Boolean);
      await fixtureGit(dir, ['tag', '-d', ...tags]);
    }
    const packages = pkgs(dir, h.names);
    const res = await scan(dir, packages);
    for (const i of [0, 1]) {
      expect(res[i]!.truth.lastTag).toBeNull();
      expect(res[i]!.truth.from).toBe('manifest');
      expect(res[i]!.row.current).toMatch(/^\d+\.\d+\.\d+$/);
    }
    const tagged = (n: string) => (h.names.indexOf(n) < 2 ? null : h.lastTag[n]!);
    expect(shas(h.names, res)).toEqual(await expected(dir, 'HEAD', packages, tagged));
  });

  it('plans a 40-package monorepo with four git processes, not three per package', async () => {
    // A git on PATH that records its argv: the plan's cost is its process count.
    const shim = join(root, 'shim');
    mkdirSync(shim);
    const log = join(shim, 'log');
    writeFileSync(join(shim, 'git'), `#!/bin/sh\necho "$1" >> ${log}\nexec /usr/bin/git "$@"\n`);
    chmodSync(join(shim, 'git'), 0o755);
    const ws = join(root, 'count');
    const h = longHistory(join(ws, 'mono'), { packages: 40, commits: 600, seed: 3 });
    // As a clone has it: the release is cut from the remote-tracking branch.
    await fixtureGit(join(ws, 'mono'), ['update-ref', 'refs/remotes/origin/main', 'main']);
    const yaml = [
      'version: 1',
      'workspace: .',
      'packages:',
      ...h.names.map((n) => `  - { name: ${n}, repo: mono, path: packages/${n}, ecosystem: npm, publish: false }`),
      'release:',
      '  tag: "{name}@{version}"',
      '  forge: { kind: git, remote: origin }',
      '',
    ];
    writeFileSync(join(ws, 'ferry.yaml'), yaml.join('\n'));
    const run = await ferry(['release', '--dry-run'], {
      cwd: ws,
      env: { PATH: `${shim}:${process.env.PATH}`, FERRY_STATE_DIR: join(root, 'count-home') },
    });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.exitCode).toBe(0);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    // for-each-ref (tags and branch refs), cat-file --batch (manifests), one log; the dependency
    // rewrites the plan lists are read through the same cat-file session.
    expect(calls.sort()).toEqual(['cat-file', 'for-each-ref', 'log']);
  });
});
