// The runtime health loop against real local HTTP servers: retries, backoff, per-URL timeout.
import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { backoffDelay, checkHealth, checkOne } from '../src/adapters/runtime/health.js';

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const addr = s.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/health`;
}

describe('health loop', () => {
  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 500, 8000))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it('retries a 503 until it turns 200', async () => {
    let n = 0;
    const url = await serve((_req, res) => {
      n++;
      res.writeHead(n < 3 ? 503 : 200).end('x');
    });
    const attempts: Array<number | null> = [];
    const r = await checkOne('svc', url, { retries: 5, backoffMs: 10, onAttempt: (a) => attempts.push(a.status) });
    expect(r).toEqual({ name: 'svc', url, ok: true, status: 200, attempts: 3 });
    expect(attempts).toEqual([503, 503, 200]);
  });

  it('a hanging endpoint times out per URL; a refused one reports no status; results keep input order', async () => {
    const hang = await serve(() => undefined);
    const ok = await serve((_req, res) => res.writeHead(200).end());
    const closed = await serve(() => undefined);
    await new Promise((r) => servers.pop()!.close(r));
    const started = Date.now();
    const rs = await checkHealth({ hang, ok, refused: closed }, { retries: 1, timeoutMs: 300, backoffMs: 10 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(rs.map((r) => [r.name, r.ok, r.status, r.attempts])).toEqual([
      ['hang', false, null, 2],
      ['ok', true, 200, 1],
      ['refused', false, null, 2],
    ]);
    expect(rs[0]!.error).toBe('timed out after 300 ms');
    expect(rs[2]!.error).toBe('ECONNREFUSED');
  });
});
