// `ferry mcp` bounds a request (issue 14 point 6): a 10 MB line is refused with a JSON-RPC error as it
// streams in, a malformed line is ignored, and the server keeps answering the next requests.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FERRY_BIN } from '../helpers/ferry.js';
import { lineLimiter, MCP_MAX_REQUEST_BYTES } from '../../src/server/mcp-limit.js';

describe('lineLimiter', () => {
  it('passes lines under the limit, drops a long one (split over chunks) once, keeps the next', async () => {
    let refused = 0;
    const t = lineLimiter(10, () => refused++);
    const out: Buffer[] = [];
    t.on('data', (b: Buffer) => out.push(b));
    t.write('ok\nxxxxxx');
    t.write('xxxxxxxxx');
    t.write('xxxx\nnext\n');
    t.end();
    await new Promise((r) => t.on('end', r));
    expect(Buffer.concat(out).toString()).toBe('ok\nnext\n');
    expect(refused).toBe(1);
  });
});

describe('ferry mcp request limits', () => {
  it('a 10 MB request and a malformed one do not stop the server', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-mcp-limit-'));
    const child = spawn('node', [FERRY_BIN, 'mcp'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      const lines = createInterface({ input: child.stdout! });
      const replies: Record<string, unknown>[] = [];
      const waiting: Array<() => void> = [];
      lines.on('line', (l) => {
        if (!l.trim()) return;
        replies.push(JSON.parse(l) as Record<string, unknown>);
        waiting.shift()?.();
      });
      const next = () => new Promise<void>((r) => waiting.push(r));
      const send = (o: unknown) => child.stdin!.write(`${JSON.stringify(o)}\n`);
      const big = next();
      child.stdin!.on('error', () => {}); // the refused tail may still be in flight when the test ends
      const stream = child.stdin!;
      // 10 MB in 1 MB writes (one stream, so in order): the server must refuse it without buffering it whole.
      stream.write('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"a":"');
      for (let i = 0; i < 10; i++) stream.write('A'.repeat(1024 * 1024));
      stream.write('"}}}\n');
      await big;
      expect(replies[0]).toMatchObject({ id: null, error: { code: -32600 } });
      expect(String((replies[0]!.error as { message: string }).message)).toContain(`${MCP_MAX_REQUEST_BYTES} bytes`);
      child.stdin!.write('{not json\n');
      const init = next();
      send({
        jsonrpc: '2.0',
        id: 2,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      });
      await init;
      expect(replies[1]).toMatchObject({ id: 2, result: { serverInfo: { name: 'ferry' } } });
      const list = next();
      send({ jsonrpc: '2.0', id: 3, method: 'tools/list' });
      await list;
      expect(replies[2]).toMatchObject({ id: 3 });
      expect(((replies[2]!.result as { tools: unknown[] }).tools ?? []).length).toBeGreaterThan(0);
    } finally {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
