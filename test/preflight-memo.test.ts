// The preflight memo is keyed by what the build depends on: a new commit, version or config is a new key.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { exec } from '../src/util/process.js';
import { passedAt, preflightKey, recordPass } from '../src/release/preflight-memo.js';
import type { ReleasePackage } from '../src/release/types.js';
import { isFerryError } from '../src/errors.js';
import { canMountTmpfs, mountTmpfs } from './helpers/tmpfs.js';

const root = mkdtempSync(join(tmpdir(), 'ferry-preflight-memo-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const commit = async (dir: string, text: string) => {
  writeFileSync(join(dir, 'f'), text);
  await execa('git', ['add', 'f'], { cwd: dir });
  await execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', text], { cwd: dir });
};

describe('preflight memo', () => {
  it('same targets, commit and salt → same key; a commit, a version or the salt → another key', async () => {
    const repo = join(root, 'repo');
    await execa('git', ['init', '-q', '-b', 'main', repo]);
    await commit(repo, 'one');
    const pkg = { name: 'alpha', path: '.', repoDir: repo } as ReleasePackage;
    const memo = { dir: join(root, 'memo'), salt: '{"a":1}' };
    const key = (version: string, salt = memo.salt) =>
      preflightKey({ ...memo, salt }, [{ pkg, version, pins: { beta: '2.0.0' } }], () => 'HEAD', exec);

    const k1 = (await key('1.0.1'))!;
    expect(k1).toMatch(/^[0-9a-f]{64}$/);
    expect(await key('1.0.1')).toBe(k1);
    expect(await key('1.0.2')).not.toBe(k1);
    expect(await key('1.0.1', '{"a":2}')).not.toBe(k1);

    expect(await passedAt(memo, k1)).toBeNull();
    await recordPass(memo, k1, ['alpha 1.0.1']);
    expect(await passedAt(memo, k1)).toMatch(/^\d{4}-\d\d-\d\dT/);

    await commit(repo, 'two');
    const k2 = (await key('1.0.1'))!;
    expect(k2).not.toBe(k1);
    expect(await passedAt(memo, k2)).toBeNull();
  });
});

/** The FerryError code `p` rejects with (a raw error is rethrown: the test fails on it). */
async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isFerryError(e)) return e.code;
    throw e;
  }
  throw new Error('expected a failure');
}

// The memo is written the way run state is (temp file, every byte checked, fsync, rename): a write
// that fails says STATE_WRITE_FAILED and leaves no half-written record behind.
describe('preflight memo writes', () => {
  it('a memo dir that cannot be created fails STATE_WRITE_FAILED, not a raw ENOTDIR', async () => {
    writeFileSync(join(root, 'a-file'), '');
    expect(await code(recordPass({ dir: join(root, 'a-file', 'memo'), salt: '' }, 'k'.repeat(64), ['a 1']))).toBe(
      'STATE_WRITE_FAILED',
    );
  });

  it.skipIf(!canMountTmpfs())('a full disk leaves no empty or partial record (tmpfs; needs root)', async () => {
    const disk = mountTmpfs('16k');
    try {
      // Fill the disk to the last block: the record's bytes cannot land.
      writeFileSync(join(disk.dir, 'filler'), Buffer.alloc(16 * 1024));
      const memo = { dir: disk.dir, salt: '' };
      expect(await code(recordPass(memo, 'f'.repeat(64), ['alpha 1.0.1']))).toBe('STATE_WRITE_FAILED');
      expect(readdirSync(disk.dir)).toEqual(['filler']);
      expect(await passedAt(memo, 'f'.repeat(64))).toBeNull();
    } finally {
      disk.unmount();
    }
  });
});
