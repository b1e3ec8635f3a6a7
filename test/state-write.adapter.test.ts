// State writes that survive a full disk (issue 14, point 2): on a tmpfs that fills up, write-file-atomic
// renamed a truncated temp file over the good state (STATE_CORRUPT at 16 KiB). Now the write fails with
// STATE_WRITE_FAILED and the previous state stays byte for byte; a corrupt state falls back to `.bak`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadState, saveState } from '../src/engine/state-store.js';
import { stateFile } from '../src/engine/paths.js';
import type { RunState } from '../src/engine/types.js';
import { isFerryError } from '../src/errors.js';
import { canMountTmpfs, mountTmpfs } from './helpers/tmpfs.js';

const MOUNTABLE = canMountTmpfs();
let disk: { dir: string; unmount(): void } | null = null;
let mnt = '';
beforeAll(() => {
  if (!MOUNTABLE) return;
  disk = mountTmpfs('64k');
  mnt = disk.dir;
});
afterAll(() => disk?.unmount());

function state(padding: number): RunState<{ pad: string }> {
  return {
    schema_version: 1,
    run_id: 'release-20260101-abcdef',
    pipeline: 'release',
    status: 'in_progress',
    started_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    step_order: ['a'],
    steps: { a: { status: 'pending', attempts: 0 } },
    data: { pad: 'x'.repeat(padding) },
  };
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; fix?: string }> {
  try {
    await p;
  } catch (e) {
    if (isFerryError(e)) return { code: e.code, message: e.message, fix: e.fix };
    throw e;
  }
  throw new Error('expected a failure');
}

describe.skipIf(!MOUNTABLE)('state writes on a full disk (tmpfs; needs root to mount)', () => {
  it('a write that does not fit fails STATE_WRITE_FAILED and leaves the previous state intact', async () => {
    const home = join(mnt, 'home');
    await saveState(home, state(4_000));
    const path = stateFile(home, 'release', 'release-20260101-abcdef');
    const before = readFileSync(path, 'utf8');
    // 64 KiB disk: a 100 KB state cannot fit, whatever the block accounting.
    const err = await failure(saveState(home, state(100_000)));
    expect(err.code).toBe('STATE_WRITE_FAILED');
    expect(err.message).toMatch(/the disk is full|only part of the data/);
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(JSON.parse(readFileSync(path, 'utf8')).data.pad).toHaveLength(4_000);
    // No temp file is left taking the space.
    expect(readdirSync(join(home, 'state', 'release')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // Once there is room again the same write goes through.
    await saveState(home, state(8_000));
    expect((await loadState<{ pad: string }>(home, 'release', 'release-20260101-abcdef')).state.data.pad).toHaveLength(
      8_000,
    );
  });

  it('a read-only state dir fails STATE_WRITE_FAILED (read-only), previous state intact', async () => {
    const home = join(mnt, 'ro');
    await saveState(home, state(10));
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    try {
      const err = await failure(saveState(home, state(20)));
      expect(err.code).toBe('STATE_WRITE_FAILED');
      expect(err.message).toContain('read-only');
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mnt]);
    }
    expect((await loadState<{ pad: string }>(home, 'release', 'release-20260101-abcdef')).state.data.pad).toBe(
      'x'.repeat(10),
    );
  });
});

describe('the last good state', () => {
  it('a corrupt state file falls back to its .bak; without one, STATE_CORRUPT says what to check', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ferry-bak-'));
    try {
      await saveState(home, state(1));
      await saveState(home, state(2));
      const path = stateFile(home, 'release', 'release-20260101-abcdef');
      writeFileSync(path, '{"run_id": "release-2026');
      const loaded = await loadState<{ pad: string }>(home, 'release', 'release-20260101-abcdef');
      expect(loaded.restoredFrom).toBe(`${path}.bak`);
      expect(loaded.state.data.pad).toBe('x');
      rmSync(`${path}.bak`);
      const err = await failure(loadState(home, 'release', 'release-20260101-abcdef'));
      expect(err.code).toBe('STATE_CORRUPT');
      expect(err.fix).toContain('release-20260101-abcdef tagged but never uploaded');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
