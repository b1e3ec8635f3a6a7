import { afterAll, describe, expect, it } from 'vitest';
import { getEventListeners } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { abortableSleep } from '../src/util/sleep.js';
import { readTextOrNull } from '../src/util/fs.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-util-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('abortableSleep', () => {
  it('leaves no abort listener behind after each sleep (a poll loop must not leak)', async () => {
    const c = new AbortController();
    for (let i = 0; i < 30; i++) await abortableSleep(1, c.signal);
    expect(getEventListeners(c.signal, 'abort')).toHaveLength(0);
  });

  it("an abort ends it early with the caller's reason; an already aborted signal rejects at once", async () => {
    const c = new AbortController();
    const reason = new Error('stop');
    const t = Date.now();
    const p = abortableSleep(10_000, c.signal);
    setTimeout(() => c.abort(reason), 20);
    await expect(p).rejects.toBe(reason);
    expect(Date.now() - t).toBeLessThan(2000);
    await expect(abortableSleep(10_000, c.signal)).rejects.toBe(reason);
  });
});

describe('readTextOrNull', () => {
  it('text, or null for a missing file; other errors throw', async () => {
    writeFileSync(join(dir, 'a.txt'), 'hi');
    expect(await readTextOrNull(join(dir, 'a.txt'))).toBe('hi');
    expect(await readTextOrNull(join(dir, 'nope.txt'))).toBeNull();
    await expect(readTextOrNull(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
