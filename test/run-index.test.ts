// The run history's summary index (engine/run-index.ts): rows of finished runs are served from
// <home>/runs-index.json while their state file is the very file they were read from; a newer state
// file always wins, a broken index is rebuilt, and in-progress runs are always read (and judged
// interrupted by their lock).
import { afterAll, describe, expect, it } from 'vitest';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { listRuns } from '../src/engine/history.js';
import { runsIndexFile } from '../src/engine/paths.js';

const homes: string[] = [];
afterAll(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

function home(): string {
  const h = mkdtempSync(join(tmpdir(), 'ferry-runs-index-'));
  homes.push(h);
  return h;
}

const file = (h: string, id: string, archived = false): string =>
  join(h, 'state', 'release', ...(archived ? ['archive'] : []), `${id}.json`);

function put(h: string, id: string, o: Record<string, unknown> = {}, archived = false): void {
  const path = file(h, id, archived);
  mkdirSync(join(path, '..'), { recursive: true });
  const state = {
    run_id: id,
    pipeline: 'release',
    status: 'completed',
    started_at: '2026-01-01T10:00:00.000Z',
    updated_at: '2026-01-01T10:01:00.000Z',
    finished_at: '2026-01-01T10:01:00.000Z',
    step_order: ['a/X'],
    steps: { 'a/X': { status: 'completed', attempts: 1, ts: '2026-01-01T10:00:10.000Z' } },
    data: {},
    ...o,
  };
  // As the engine saves: a new file renamed into place.
  writeFileSync(`${path}.tmp`, JSON.stringify(state));
  renameSync(`${path}.tmp`, path);
}

const index = (h: string): { version: number; runs: Record<string, { row: { status: string } }> } =>
  JSON.parse(readFileSync(runsIndexFile(h), 'utf8'));

describe('runs index', () => {
  it('serves an unchanged run from the index, and a newer state file over it', async () => {
    const h = home();
    put(h, 'release-a');
    put(h, 'release-b', {}, true);
    const first = await listRuns(h);
    expect(Object.keys(index(h).runs).sort()).toEqual(['release/archive/release-b.json', 'release/release-a.json']);
    expect(await listRuns(h)).toEqual(first);
    // Proof the row comes from the index: an entry edited in place (same file identity) is what is listed.
    const idx = index(h);
    idx.runs['release/release-a.json']!.row.status = 'from-index';
    writeFileSync(runsIndexFile(h), JSON.stringify(idx));
    expect((await listRuns(h)).find((r) => r.run_id === 'release-a')?.status).toBe('from-index');
    // The state file is newer than the row (touched, or saved again): the file wins and the index follows.
    utimesSync(file(h, 'release-a'), new Date(), new Date());
    expect((await listRuns(h)).find((r) => r.run_id === 'release-a')?.status).toBe('completed');
    put(h, 'release-a', { status: 'partial' });
    expect((await listRuns(h)).find((r) => r.run_id === 'release-a')?.status).toBe('partial');
    expect(index(h).runs['release/release-a.json']!.row.status).toBe('partial');
  });

  it('a removed run leaves the index; a broken or older-format index is rebuilt', async () => {
    const h = home();
    put(h, 'release-a');
    put(h, 'release-b');
    await listRuns(h);
    rmSync(file(h, 'release-b'));
    expect((await listRuns(h)).map((r) => r.run_id)).toEqual(['release-a']);
    expect(Object.keys(index(h).runs)).toEqual(['release/release-a.json']);
    for (const broken of ['{', JSON.stringify({ version: 0, runs: {} }), JSON.stringify({ version: 1, runs: [1] })]) {
      writeFileSync(runsIndexFile(h), broken);
      expect((await listRuns(h)).map((r) => [r.run_id, r.status])).toEqual([['release-a', 'completed']]);
      expect(index(h).version).toBe(1);
      expect(Object.keys(index(h).runs)).toEqual(['release/release-a.json']);
    }
  });

  it('never caches an in-progress run or a corrupt file: a killed run stays interrupted', async () => {
    const h = home();
    put(h, 'release-live', { status: 'in_progress', finished_at: null });
    writeFileSync(
      `${file(h, 'release-live')}.lock.owner.json`,
      JSON.stringify({ pid: 2 ** 22 + 4321, host: hostname() }),
    );
    writeFileSync(file(h, 'release-bad'), '{');
    for (let i = 0; i < 2; i++) {
      const rows = await listRuns(h);
      expect(rows.map((r) => [r.run_id, r.status, r.interrupted])).toEqual(
        expect.arrayContaining([
          ['release-live', 'in_progress', true],
          ['release-bad', 'corrupt', false],
        ]),
      );
    }
    // Nothing a later listing could reuse, so no index is written at all.
    expect(existsSync(runsIndexFile(h))).toBe(false);
  });
});
