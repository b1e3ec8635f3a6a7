// Which id a NEW release run takes (checkStale): the deterministic id for resume, but never the id
// of a finished run (archived, completed, events/result left behind) nor of a stale one.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkStale } from '../src/release/run-support.js';

const homes: string[] = [];
afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

const ID = 'release-20260225-a3f7b2';
const NOW = new Date('2026-02-25T12:00:00Z');

function home(): string {
  const h = mkdtempSync(join(tmpdir(), 'ferry-runid-'));
  homes.push(h);
  return h;
}

function state(
  h: string,
  id: string,
  o: { archived?: boolean; status: string; started: boolean; ageMs?: number; updatedAgoMs?: number },
): void {
  const dir = join(h, 'state', 'release', ...(o.archived ? ['archive'] : []));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${id}.json`);
  const steps = { 'a/WORKTREE': { status: o.started ? 'completed' : 'pending', attempts: o.started ? 1 : 0 } };
  writeFileSync(
    path,
    JSON.stringify({
      schema_version: 1,
      run_id: id,
      pipeline: 'release',
      status: o.status,
      ...(o.updatedAgoMs === undefined
        ? {}
        : {
            started_at: new Date(NOW.getTime() - o.updatedAgoMs - 60_000).toISOString(),
            updated_at: new Date(NOW.getTime() - o.updatedAgoMs).toISOString(),
          }),
      step_order: Object.keys(steps),
      steps,
      data: {},
    }),
  );
  const t = new Date(NOW.getTime() - (o.ageMs ?? 60_000));
  utimesSync(path, t, t);
}

async function pick(
  h: string,
  o: { explicit?: boolean; dryRun?: boolean } = {},
): Promise<{ id: string; notes: string[] }> {
  const notes: string[] = [];
  const id = await checkStale(h, ID, o.explicit ?? false, (m) => notes.push(m), NOW, o.dryRun ?? false);
  return { id, notes };
}

describe('release run id for a new run', () => {
  it('no earlier run → the deterministic id, no note', async () => {
    expect(await pick(home())).toEqual({ id: ID, notes: [] });
  });

  it('an archived (completed) run with the id → <id>-2, and a note says so; -2 taken too → -3', async () => {
    const h = home();
    state(h, ID, { archived: true, status: 'completed', started: true });
    expect(await pick(h)).toEqual({
      id: `${ID}-2`,
      notes: [`note: release run ${ID} already completed (archived): this new run is ${ID}-2`],
    });
    state(h, `${ID}-2`, { archived: true, status: 'completed', started: true });
    expect((await pick(h, { explicit: true })).id).toBe(`${ID}-3`);
  });

  it('a completed run that was not archived, or only its event log / result left → a fresh id', async () => {
    const h = home();
    state(h, ID, { status: 'completed', started: true });
    expect((await pick(h)).id).toBe(`${ID}-2`);
    const g = home();
    mkdirSync(join(g, 'runs', ID), { recursive: true });
    writeFileSync(join(g, 'runs', ID, 'events.jsonl'), '{}\n');
    expect(await pick(g)).toEqual({
      id: `${ID}-2`,
      notes: [`note: release run ${ID} was already used (its events or result exist): this new run is ${ID}-2`],
    });
  });

  it('an unfinished started run must be resumed (USAGE), except in a dry run; a stale one → fresh id', async () => {
    const h = home();
    state(h, ID, { status: 'partial', started: true });
    await expect(pick(h)).rejects.toMatchObject({ code: 'USAGE', fix: `ferry release --resume ${ID}` });
    expect((await pick(h, { dryRun: true })).id).toBe(ID);
    const s = home();
    state(s, ID, { status: 'partial', started: true, ageMs: 25 * 3600_000 });
    const r = await pick(s);
    expect(r.id).toBe(`${ID}-2`);
    expect(r.notes[0]).toMatch(/^warning: release run .* is stale/);
  });

  it("staleness is read from the state's own timestamps, not the file's mtime", async () => {
    // Updated 3 days ago, file freshly copied (mtime 1 min): stale.
    const copied = home();
    state(copied, ID, { status: 'partial', started: true, updatedAgoMs: 3 * 86_400_000, ageMs: 60_000 });
    const r = await pick(copied);
    expect(r.id).toBe(`${ID}-2`);
    expect(r.notes[0]).toBe(
      `warning: release run ${ID} is stale (not completed, last updated 2026-02-22T12:00:00.000Z); starting a new run`,
    );
    // Updated 1 h ago, file mtime 3 days old (restored from a backup): not stale, it must be resumed.
    const restored = home();
    state(restored, ID, { status: 'partial', started: true, updatedAgoMs: 3_600_000, ageMs: 3 * 86_400_000 });
    await expect(pick(restored)).rejects.toMatchObject({ code: 'USAGE', fix: `ferry release --resume ${ID}` });
  });

  it('archived base, unfinished started -2 → resume -2 (the chain is followed)', async () => {
    const h = home();
    state(h, ID, { archived: true, status: 'completed', started: true });
    state(h, `${ID}-2`, { status: 'partial', started: true });
    await expect(pick(h)).rejects.toMatchObject({ code: 'USAGE', fix: `ferry release --resume ${ID}-2` });
  });
});
