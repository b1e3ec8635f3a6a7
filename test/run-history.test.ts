// The run history as `ferry runs list`, the dashboard and completion read it: every state file
// (active and archived) once, newest first; a file that lacks what a row shows is a corrupt row,
// not a crash; a corrupt active file falls back to its .bak; a killed in-progress run is interrupted.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRun, listRuns } from '../src/engine/history.js';
import { runsListSchema } from '../src/schemas.js';

const homes: string[] = [];
afterAll(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

function home(): string {
  const h = mkdtempSync(join(tmpdir(), 'ferry-history-'));
  homes.push(h);
  return h;
}

function state(id: string, o: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    run_id: id,
    pipeline: 'release',
    status: 'completed',
    started_at: '2026-01-01T10:00:00.000Z',
    updated_at: '2026-01-01T10:01:30.000Z',
    finished_at: '2026-01-01T10:01:30.000Z',
    step_order: ['a/X', 'a/Y'],
    steps: {
      'a/X': { status: 'completed', attempts: 1, ts: '2026-01-01T10:00:10.000Z' },
      'a/Y': { status: 'failed', attempts: 2, ts: '2026-01-01T10:00:20.000Z' },
    },
    data: {},
    ...o,
  };
}

function put(h: string, id: string, body: unknown, o: { archived?: boolean; suffix?: string } = {}): void {
  const dir = join(h, 'state', 'release', ...(o.archived ? ['archive'] : []));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${id}.json${o.suffix ?? ''}`), typeof body === 'string' ? body : JSON.stringify(body));
}

describe('run history', () => {
  it('lists active and archived runs newest first, with duration and steps done', async () => {
    const h = home();
    put(h, 'release-a', state('release-a'));
    put(h, 'release-b', state('release-b', { started_at: '2026-01-02T10:00:00.000Z', finished_at: null }), {
      archived: true,
    });
    const rows = await listRuns(h);
    expect(runsListSchema.safeParse({ runs: rows }).success).toBe(true);
    expect(rows.map((r) => [r.run_id, r.archived, r.duration_ms, r.steps_done, r.steps_total])).toEqual([
      ['release-b', true, -86_400_000 + 90_000, 1, 2],
      ['release-a', false, 90_000, 1, 2],
    ]);
  });

  it('a file without what the row shows is a corrupt row; a corrupt active file falls back to its .bak', async () => {
    const h = home();
    put(h, 'release-nostart', state('release-nostart', { started_at: 17 }));
    put(h, 'release-badstep', state('release-badstep', { steps: { 'a/X': null } }));
    put(h, 'release-notjson', '{"run_id": "release-notjson", ');
    put(h, 'release-bak', '{');
    put(h, 'release-bak', state('release-bak', { status: 'partial' }), { suffix: '.bak' });
    put(h, 'release-otherid', state('release-elsewhere'));
    const rows = await listRuns(h);
    expect(runsListSchema.safeParse({ runs: rows }).success).toBe(true);
    const status = Object.fromEntries(rows.map((r) => [r.run_id, r.status]));
    expect(status).toEqual({
      'release-nostart': 'corrupt',
      'release-badstep': 'corrupt',
      'release-notjson': 'corrupt',
      'release-bak': 'partial',
      'release-otherid': 'corrupt',
    });
  });

  it('an in-progress run no process holds is interrupted; a lock owner file is not a run', async () => {
    const h = home();
    put(h, 'release-killed', state('release-killed', { status: 'in_progress', finished_at: null }));
    // A dead pid on this host: the holder record a kill -9 leaves behind.
    put(
      h,
      'release-killed',
      { pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname() },
      {
        suffix: '.lock.owner.json',
      },
    );
    put(h, 'release-old', state('release-old', { status: 'in_progress', finished_at: null }), { archived: true });
    const rows = await listRuns(h);
    expect(rows.map((r) => [r.run_id, r.interrupted, r.duration_ms])).toEqual([
      ['release-killed', true, null],
      ['release-old', false, null],
    ]);
  });

  it('findRun finds active and archived runs and refuses an id that is not one', async () => {
    const h = home();
    put(h, 'release-a', state('release-a'));
    put(h, 'release-b', state('release-b'), { archived: true });
    expect((await findRun(h, 'release-a')).archived).toBe(false);
    expect((await findRun(h, 'release-b')).archived).toBe(true);
    await expect(findRun(h, '../state/release/release-a')).rejects.toMatchObject({ code: 'STATE_NOT_FOUND' });
    await expect(findRun(h, 'release-c')).rejects.toMatchObject({ code: 'STATE_NOT_FOUND' });
  });
});
