// The faults harness, part 2: the state directory on a real small file system (a tmpfs; CI runs as
// root) that fills up in the middle of a run, or turns read-only. Each must stop with
// STATE_WRITE_FAILED, the previous state intact and parseable, and the resume command on the fix
// line; once there is room again (or it is writable), that command completes the run exactly once.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startPypiServer, type PypiServer } from '../fixtures/pypi-server.js';
import { CANARY } from '../harness/canary.js';
import { faultTally } from '../harness/fault-tally.js';
import {
  expectCompleted,
  expectFault,
  faultWorld,
  judgeRelease,
  remoteHook,
  type FaultWorld,
} from '../harness/fault-world.js';
import { mountTmpfs, unmountableReason, type Tmpfs } from '../harness/tmpfs.js';

const CANNOT_MOUNT = unmountableReason();
let pypi: PypiServer;
const worlds: FaultWorld[] = [];
const mounts: Tmpfs[] = [];
beforeAll(async () => {
  pypi = await startPypiServer({ token: CANARY });
});
afterAll(async () => {
  for (const w of worlds) await w.cleanup();
  for (const m of mounts) m.unmount();
  await pypi?.stop();
});

async function onTmpfs(
  name: string,
  o: (fs: Tmpfs) => Parameters<typeof faultWorld>[2] = () => ({}),
): Promise<{ w: FaultWorld; fs: Tmpfs }> {
  const fs = mountTmpfs('16m');
  mounts.push(fs);
  const w = await faultWorld(pypi, name, { ...o(fs), home: join(fs.dir, 'ferry-home') });
  worlds.push(w);
  return { w, fs };
}

const statePath = (w: FaultWorld) => join(w.home, 'state', 'release', `${w.runId}.json`);

/** The state file parses, is this run's, and no temp file is left taking space. */
function expectStateIntact(w: FaultWorld): void {
  const s = JSON.parse(readFileSync(statePath(w), 'utf8')) as { run_id: string; status: string };
  expect(s.run_id).toBe(w.runId);
  expect(readdirSync(join(w.home, 'state', 'release')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
}

describe('faults on the state directory', () => {
  const t = faultTally('faults-mounts.test.ts');
  if (CANNOT_MOUNT) {
    t.cannot('disk full in the middle of a run', CANNOT_MOUNT);
    t.cannot('read-only state dir', CANNOT_MOUNT);
    return;
  }

  t.fault('disk full in the middle of a run', async () => {
    // The user's lint fills the disk (once): the next state write has no room.
    const fill = (fs: Tmpfs) => join(fs.dir, 'fill');
    const once = (fs: Tmpfs) => `${fs.dir}-filled`;
    const { w, fs } = await onTmpfs('diskfull', (fs) => ({
      release: {
        lint: [
          'sh',
          '-c',
          `[ -e ${once(fs)} ] && exit 0; touch ${once(fs)}; cat /dev/zero > ${fill(fs)} 2>/dev/null; exit 0`,
        ],
      },
    }));
    try {
      const first = await w.start();
      const fix = expectFault(first, 'STATE_WRITE_FAILED');
      expect(first.out).toMatch(/the disk is full|only part of the data/);
      expect(fix).toContain(`ferry release --resume ${w.runId}`);
      expect(existsSync(fill(fs))).toBe(true);
      expectStateIntact(w);
      rmSync(fill(fs));
      expectCompleted(await w.resume());
      expect(await judgeRelease(w, pypi)).toEqual([]);
    } finally {
      rmSync(once(fs), { force: true });
    }
  });

  t.fault('read-only state dir', async () => {
    const { w, fs } = await onTmpfs('readonly');
    // A first run stops cleanly (push refused); by the time it is resumed the state dir is read-only.
    const refuse = remoteHook(w, 'pre-receive', 'echo "push refused: frozen" >&2; exit 1');
    expectFault(await w.start(), 'PUSH_FAILED');
    rmSync(refuse);
    const before = readFileSync(statePath(w), 'utf8');
    fs.readOnly();
    let resumed;
    try {
      resumed = await w.resume();
    } finally {
      fs.writable();
    }
    const fix = expectFault(resumed, 'STATE_WRITE_FAILED');
    expect(resumed.out).toContain('read-only');
    expect(fix).toContain(`ferry release --resume ${w.runId}`);
    expect(readFileSync(statePath(w), 'utf8')).toBe(before);
    expectStateIntact(w);
    expectCompleted(await w.resume());
    expect(await judgeRelease(w, pypi)).toEqual([]);
  });
});
