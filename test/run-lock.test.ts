// The run lock's takeover of a lock whose holder was killed between taking it and writing its record
// (the redeploy crash matrix's one stuck run: LOCKED "by another process (unknown)" on every resume).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireRunLock } from '../src/engine/lock.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('run lock', () => {
  it('takes over a fresh lock that has no holder record a second later', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-lock-'));
    dirs.push(dir);
    const target = join(dir, 'containers', 'api');
    mkdirSync(`${target}.lock`, { recursive: true }); // what a kill -9 right after lockfile.lock() leaves
    const lock = await acquireRunLock(target, 'resume');
    await lock.release();
  });

  it('still refuses a live holder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-lock-'));
    dirs.push(dir);
    const target = join(dir, 'containers', 'api');
    const held = await acquireRunLock(target, 'first');
    await expect(acquireRunLock(target, 'second')).rejects.toMatchObject({ code: 'LOCKED' });
    await held.release();
  });
});
