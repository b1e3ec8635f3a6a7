// `ferry mcp` reads newline-delimited JSON-RPC from stdin. One request is bounded (issue 14 point 6): a
// line over the limit is dropped as it streams in (never buffered whole) and answered with a JSON-RPC
// error, and the server keeps serving the next line. A malformed line is the SDK's to reject.
import { Transform, type TransformCallback } from 'node:stream';

/** Large enough for any tool call ferry defines (names, flags, short texts); far below a memory problem. */
export const MCP_MAX_REQUEST_BYTES = 1024 * 1024;

/** The answer to a request that was too large: its id was never read, so it is null (JSON-RPC 2.0 §5). */
export function tooLargeReply(limit: number): string {
  return `${JSON.stringify({
    jsonrpc: '2.0',
    id: null,
    error: { code: -32600, message: `request larger than ${limit} bytes refused; nothing was run` },
  })}\n`;
}

/**
 * Passes whole lines through unchanged; a line longer than `limit` bytes is dropped and `onTooLarge`
 * is called once for it. A line is held until its newline, so memory stays bounded by `limit`.
 */
export function lineLimiter(limit: number, onTooLarge: () => void): Transform {
  let held: Buffer[] = [];
  let heldBytes = 0;
  let dropping = false;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      const out: Buffer[] = [];
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, start);
        const piece = chunk.subarray(start, nl === -1 ? chunk.length : nl + 1);
        if (!dropping) {
          held.push(piece);
          heldBytes += piece.length;
          if (heldBytes - (nl === -1 ? 0 : 1) > limit) {
            dropping = true;
            held = [];
            heldBytes = 0;
            onTooLarge();
          }
        }
        if (nl === -1) break;
        if (!dropping) out.push(...held);
        held = [];
        heldBytes = 0;
        dropping = false;
        start = nl + 1;
      }
      done(null, out.length ? Buffer.concat(out) : undefined);
    },
  });
}
