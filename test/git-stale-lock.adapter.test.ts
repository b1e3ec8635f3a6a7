// A kill -9 of ferry during `git fetch` leaves a ref lock behind; the next fetch (the resume's) must
// clear it instead of failing forever with "Unable to create '….lock': File exists".
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { Git } from '../src/adapters/git/git.js';
import { exec } from '../src/util/process.js';

const root = mkdtempSync(join(tmpdir(), 'ferry-stale-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const g = (cwd: string, ...args: string[]) =>
  execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, env: { LC_ALL: 'C' } });

async function cloneBehindRemote(): Promise<{ clone: string; lock: string }> {
  const bare = join(root, 'remote.git');
  await execa('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  const a = join(root, 'a');
  await execa('git', ['clone', '-q', bare, a]);
  writeFileSync(join(a, 'f'), '1\n');
  await g(a, 'add', 'f');
  await g(a, 'commit', '-qm', 'one');
  await g(a, 'push', '-q', 'origin', 'HEAD:main');
  const clone = join(root, 'b');
  await execa('git', ['clone', '-q', bare, clone]);
  writeFileSync(join(a, 'f'), '2\n');
  await g(a, 'commit', '-qam', 'two');
  await g(a, 'push', '-q', 'origin', 'HEAD:main');
  // What a git killed while updating origin/main leaves behind.
  const lock = join(clone, '.git', 'refs', 'remotes', 'origin', 'main.lock');
  writeFileSync(lock, '');
  return { clone, lock };
}

describe('git fetch after a killed git', () => {
  it('a stale ref lock makes plain git fail, and ferry clears it and fetches', async () => {
    const { clone, lock } = await cloneBehindRemote();
    const plain = await execa('git', ['fetch', '--quiet', 'origin'], {
      cwd: clone,
      reject: false,
      env: { LC_ALL: 'C' },
    });
    expect(plain.exitCode).not.toBe(0);
    expect(plain.stderr).toContain('main.lock');

    await new Git(exec).fetch(clone, 'origin');
    expect(existsSync(lock)).toBe(false);
    const local = (await execa('git', ['rev-parse', 'origin/main'], { cwd: clone })).stdout;
    const remote = (await execa('git', ['rev-parse', 'main'], { cwd: join(root, 'a') })).stdout;
    expect(local).toBe(remote);
  });

  it('any git command refused by a stale lock (a `git tag` killed mid-write) runs once more after it is cleared', async () => {
    const clone = join(root, 'b');
    const lock = join(clone, '.git', 'refs', 'tags', 'pkg', 'v9.0.0.lock');
    mkdirSync(join(lock, '..'), { recursive: true });
    writeFileSync(lock, '');
    const plain = await execa('git', ['tag', 'pkg/v9.0.0', 'HEAD'], {
      cwd: clone,
      reject: false,
      env: { LC_ALL: 'C' },
    });
    expect(plain.stderr).toContain("v9.0.0.lock': File exists");
    const git = new Git(exec);
    await git.createTag(clone, 'pkg/v9.0.0', 'HEAD', 'release pkg/v9.0.0');
    expect(await git.tags(clone, 'pkg/*')).toEqual(['pkg/v9.0.0']);
    expect(existsSync(lock)).toBe(false);
  });

  it('a push refused by a stale ref lock in the (local) remote — receive-pack killed with ferry — is retried after it is cleared', async () => {
    const clone = join(root, 'b');
    const lock = join(root, 'remote.git', 'refs', 'heads', 'release', 'x', 'alpha.lock');
    mkdirSync(join(lock, '..'), { recursive: true });
    writeFileSync(lock, '');
    await new Git(exec).push(clone, 'origin', ['HEAD:refs/heads/release/x/alpha']);
    expect(existsSync(lock)).toBe(false);
    const pushed = (await execa('git', ['rev-parse', 'release/x/alpha'], { cwd: join(root, 'remote.git') })).stdout;
    expect(pushed).toBe((await execa('git', ['rev-parse', 'HEAD'], { cwd: clone })).stdout);
  });
});
