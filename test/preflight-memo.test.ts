// The preflight memo is keyed by what the build depends on: a new commit, version or config is a new key.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { exec } from '../src/util/process.js';
import { passedAt, preflightKey, recordPass } from '../src/release/preflight-memo.js';
import type { ReleasePackage } from '../src/release/types.js';

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
