// A dead registry URL fails fast (issue 14 point 6): connection refused is not "not yet served", so a
// lookup or a visibility wait gives up after a few refused tries, not after its 5-minute deadline.
import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { NpmRegistry } from '../src/adapters/registry/npm.js';
import { MAX_REFUSED_IN_A_ROW, retryLoop } from '../src/adapters/registry/backoff.js';
import { FerryError } from '../src/errors.js';

/** A loopback port nothing listens on: bound by the OS, then closed. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('dead registry', () => {
  it('a packument lookup on a closed port fails in seconds with PUBLISH_FAILED naming the refusal', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const reg = new NpmRegistry({ kind: 'npm', url, token_env: 'NPM_TOKEN' } as never, {});
    const t0 = Date.now();
    const err = await reg.lookup('left-pad', '1.0.0').catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(err).toBeInstanceOf(FerryError);
    expect((err as FerryError).code).toBe('PUBLISH_FAILED');
    expect((err as FerryError).message).toMatch(/cannot reach npm registry .*ECONNREFUSED.*refused 4 times in a row/);
    expect((err as FerryError).fix).toMatch(/registries:/);
  });

  it('a waitVisible poll on a closed port gives up early too (not after its timeout)', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const reg = new NpmRegistry({ kind: 'npm', url, token_env: 'NPM_TOKEN' } as never, {});
    const t0 = Date.now();
    const err = await reg.waitVisible('left-pad', '1.0.0', 10 * 60_000, () => {}).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect((err as FerryError).message).toMatch(/nothing is listening/);
  });

  it('refusals must be in a row: one answer in between resets the count', async () => {
    const answers = [true, true, true, false, true, true, true];
    let n = 0;
    const got = await retryLoop(
      async () => {
        const refused = answers[n++];
        if (refused === undefined) return { done: n };
        return refused ? { retry: 'refused', refused: true } : { retry: 'HTTP 503' };
      },
      { label: 'x', log: () => {}, deadline: Infinity, onGiveUp: () => new FerryError('INTERNAL', 'gave up') },
      { sleep: async () => {} },
    );
    expect(got).toBe(8);
    expect(MAX_REFUSED_IN_A_ROW).toBe(4);
  });
});
