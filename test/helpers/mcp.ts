// An official MCP SDK client on `ferry mcp` whose every tool result is checked against the published
// schemas (test/helpers/json-output.ts checkToolResult): the text block against mcp-text, the
// structuredContent against the tool's schemas and equal to the text block. A mismatch throws.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { FERRY_BIN } from './ferry.js';
import { checkToolResult } from './json-output.js';

export interface McpClientOptions {
  cwd: string;
  /** ferry's args (default `['mcp']`): global options go before `mcp`. */
  args?: string[];
  env?: Record<string, string>;
}

export async function connectMcp(o: McpClientOptions): Promise<Client> {
  const client = new Client({ name: 'ferry-test', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: 'node',
      args: [FERRY_BIN, ...(o.args ?? ['mcp'])],
      cwd: o.cwd,
      stderr: 'pipe',
      ...(o.env ? { env: { ...(process.env as Record<string, string>), ...o.env } } : {}),
    }),
  );
  const call = client.callTool.bind(client);
  client.callTool = (async (...a: Parameters<Client['callTool']>) => {
    const r = await call(...a);
    const problems = checkToolResult(a[0].name, r as Parameters<typeof checkToolResult>[1]);
    if (problems.length > 0)
      throw new Error(`MCP result does not match the published schemas:\n${problems.join('\n')}`);
    return r;
  }) as Client['callTool'];
  return client;
}
