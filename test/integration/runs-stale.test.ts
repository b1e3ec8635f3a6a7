// Issue 12 point 10: staleness by the state's own timestamps (not the file's mtime), and `ferry runs
// list` shows a long run's duration in days and hours.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatMs } from '../../src/cli/render/plain.js';
import { isStaleState, lastTouchedMs } from '../../src/engine/staleness.js';
import { ferry } from '../helpers/ferry.js';

const homes: string[] = [];
afterAll(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

const DAY = 86_400_000;

function writeState(
  home: string,
  id: string,
  o: { status: string; started: Date; updated: Date; finished?: Date },
): void {
  const dir = join(home, 'state', 'release');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${id}.json`),
    JSON.stringify({
      schema_version: 1,
      run_id: id,
      pipeline: 'release',
      status: o.status,
      started_at: o.started.toISOString(),
      updated_at: o.updated.toISOString(),
      ...(o.finished ? { finished_at: o.finished.toISOString() } : {}),
      step_order: ['a/WORKTREE'],
      steps: { 'a/WORKTREE': { status: 'completed', attempts: 1, ts: o.updated.toISOString() } },
      data: {},
    }),
  );
}

describe('stale runs and long durations', () => {
  it('formats durations up to days', () => {
    expect([850, 4_200, 192_000, 5 * 3_600_000 + 7 * 60_000, 3 * DAY + 4 * 3_600_000 + 59_000].map(formatMs)).toEqual([
      '850 ms',
      '4.2 s',
      '3m12s',
      '5h07m',
      '3d 4h',
    ]);
  });

  it('reads the newest of the state timestamps; mtime only when the state has none', () => {
    const now = Date.parse('2026-12-03T12:00:00Z');
    const old = { status: 'partial' as const, updated_at: '2026-11-29T12:00:00Z', started_at: '2026-11-29T11:00:00Z' };
    expect(lastTouchedMs(old, now)).toBe(Date.parse('2026-11-29T12:00:00Z'));
    expect(isStaleState(old, now, now)).toBe(true);
    expect(isStaleState({ ...old, status: 'completed' }, 0, now)).toBe(false);
    const withStep = { ...old, steps: { s: { status: 'running' as const, attempts: 1, ts: '2026-12-03T11:00:00Z' } } };
    expect(isStaleState(withStep, 0, now)).toBe(false);
    expect(isStaleState(null, now - 2 * DAY, now)).toBe(true);
    expect(isStaleState(null, now - 60_000, now)).toBe(false);
  });

  it('ferry runs list shows a 3-day run in days', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ferry-runs-stale-'));
    homes.push(home);
    const now = Date.now();
    writeState(home, 'release-20261201-aaaaaa', {
      status: 'completed',
      started: new Date(now - 3 * DAY - 5 * 3_600_000),
      updated: new Date(now - 60_000),
      finished: new Date(now - 60_000),
    });
    const list = await ferry(['--state-dir', home, 'runs', 'list']);
    expect(list.exitCode, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^release-20261201-aaaaaa +\| release +\| completed +\| \S+ \S+ +\| 3d 4h +\| 1\/1$/m);
  });
});
