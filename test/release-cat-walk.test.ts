// The polyrepo walk through the cat-file session must list exactly what `git log <head> ^<base>`
// lists (sha, parents, message), and give the walk back to git (null) whenever git would have to
// decide: a merge, a base off the chain, a shallow boundary, a message in another encoding, a range
// longer than the limit. And a polyrepo plans with two git processes per repo.
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatFile } from '../src/release/cat-file.js';
import { catWalk } from '../src/release/cat-walk.js';
import { walk } from '../src/release/facts.js';
import { git } from '../src/testkit/git.js';
import { polyrepo } from '../bench/gen.mjs';
import { ferry } from './helpers/ferry.js';

const root = mkdtempSync(join(tmpdir(), 'ferry-cat-walk-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let tick = 0;
async function commit(dir: string, message: string, file = 'a.txt'): Promise<string> {
  writeFileSync(join(dir, file), `${tick}\n`);
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '-m', message], ++tick);
  return git(dir, ['rev-parse', 'HEAD']);
}

async function repo(name: string): Promise<string> {
  const dir = join(root, name);
  mkdirSync(dir);
  await git(dir, ['init', '-q', '-b', 'main']);
  return dir;
}

async function both(dir: string, base: string | null, max = 400) {
  const cat = new CatFile(dir);
  try {
    const head = await git(dir, ['rev-parse', 'HEAD']);
    return { fast: await catWalk(cat, head, base, max), slow: await walk(dir, 'HEAD', base, false) };
  } finally {
    await cat.close();
  }
}

describe('catWalk: the short linear walk of a polyrepo through cat-file', () => {
  it('lists what git log lists: messages with bodies and trailers, down to the base or the root', async () => {
    const dir = await repo('linear');
    await commit(dir, 'chore: initial');
    const base = await commit(dir, 'release: v0.1.0');
    await commit(dir, 'feat: a thing\n\nwith a body\n\nBREAKING CHANGE: it broke');
    await commit(dir, 'fix: trailing spaces   \n\n\n');
    await commit(dir, 'docs: ünïcödé ✓');
    const down = await both(dir, base);
    expect(down.fast).toEqual(down.slow);
    expect(down.fast).toHaveLength(3);
    const all = await both(dir, null);
    expect(all.fast).toEqual(all.slow);
    expect(all.fast).toHaveLength(5);
    const none = await both(dir, await git(dir, ['rev-parse', 'HEAD']));
    expect(none.fast).toEqual([]);
    expect(none.slow).toEqual([]);
  });

  it('gives the walk back to git for a merge, a base off the chain, a long range, another encoding', async () => {
    const dir = await repo('merges');
    const first = await commit(dir, 'chore: initial');
    await git(dir, ['checkout', '-q', '-b', 'side']);
    const side = await commit(dir, 'feat: on a side branch', 'b.txt');
    await git(dir, ['checkout', '-q', 'main']);
    await commit(dir, 'fix: on main');
    await git(dir, ['merge', '-q', '--no-ff', '-m', 'Merge side', 'side'], ++tick);
    await commit(dir, 'fix: after the merge');
    // The merge is below the head: git orders its two sides.
    expect((await both(dir, first)).fast).toBeNull();
    // The head's chain above the merge is still read: the base is right there.
    const merge = await git(dir, ['rev-parse', 'HEAD~1']);
    const above = await both(dir, merge);
    expect(above.fast).toEqual(above.slow);
    // A base that is not on the chain (the side branch's commit).
    await git(dir, ['checkout', '-q', '-b', 'lin', first]);
    await commit(dir, 'fix: one');
    await commit(dir, 'fix: two');
    expect((await both(dir, side)).fast).toBeNull();
    expect((await both(dir, first, 1)).fast).toBeNull();
    expect((await both(dir, first, 2)).fast).toHaveLength(2);
    await git(
      dir,
      ['-c', 'i18n.commitEncoding=ISO-8859-1', 'commit', '-q', '--allow-empty', '-m', 'fix: latin'],
      ++tick,
    );
    expect((await both(dir, first)).fast).toBeNull();
  });

  it('stops at a shallow boundary, where git log sees a root', async () => {
    const src = await repo('deep');
    for (let i = 0; i < 5; i++) await commit(src, `fix: ${i}`);
    const dir = join(root, 'shallow');
    await git(root, ['clone', '-q', '--depth', '2', `file://${src}`, dir]);
    const r = await both(dir, null);
    expect(r.fast).toBeNull();
    expect(r.slow).toHaveLength(2);
  });

  it('plans a polyrepo with two git processes per repo (for-each-ref, one cat-file session)', async () => {
    const eco = await polyrepo(3, 120, 7);
    const shim = join(root, 'shim');
    mkdirSync(shim);
    const log = join(shim, 'log');
    writeFileSync(join(shim, 'git'), `#!/bin/sh\necho "$PWD $1" >> ${log}\nexec /usr/bin/git "$@"\n`);
    chmodSync(join(shim, 'git'), 0o755);
    const run = await ferry(['release', '--dry-run'], {
      cwd: eco.workspace,
      env: { PATH: `${shim}:${process.env.PATH}`, FERRY_STATE_DIR: join(root, 'poly-home'), CI: 'true' },
    });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.exitCode).toBe(0);
    const calls = readFileSync(log, 'utf8').trim().split('\n').sort();
    expect(calls).toEqual(eco.repos.flatMap((r) => [`${r.dir} cat-file`, `${r.dir} for-each-ref`]).sort());
  });
});
