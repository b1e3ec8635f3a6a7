// `ferry mcp`: a Model Context Protocol server on stdio. Each tool runs ferry --json as a child
// process and returns its result object (the last JSON line) plus a short event digest.
import { execa } from 'execa';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { TOOLS } from './mcp-tools.js';

export interface McpOptions {
  /** argv prefix that starts ferry: [node, /path/to/bin/ferry.js]. */
  ferry: string[];
  cwd: string;
  globalArgs: string[];
  version: string;
}

export async function runMcpServer(o: McpOptions): Promise<void> {
  const server = new McpServer({ name: 'ferry', version: o.version });
  for (const tool of TOOLS) {
    server.registerTool(
      `ferry_${tool.name}`,
      { description: tool.description, inputSchema: tool.input, annotations: { readOnlyHint: !tool.mutating, destructiveHint: tool.mutating } },
      async (input: Record<string, unknown>) => {
        const [cmd, ...pre] = o.ferry;
        const r = await execa(cmd!, [...pre, ...o.globalArgs, '--json', ...tool.argv(input)], { cwd: o.cwd, reject: false, env: { CI: 'true' }, stdin: 'ignore' });
        const lines = String(r.stdout).split('\n').filter((l) => l.trim());
        const parsed = lines.flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, unknown>];
          } catch {
            return [];
          }
        });
        const result = parsed.at(-1) ?? { ok: false, error: { message: String(r.stderr).trim() || 'no output' } };
        const failures = parsed.filter((e) => e.type === 'step.failed').map((e) => `${String(e.step)}: ${String(e.message)}`);
        const text = JSON.stringify({ exit_code: r.exitCode, result, failed_steps: failures }, null, 2);
        return { content: [{ type: 'text' as const, text }], isError: r.exitCode !== 0 };
      },
    );
  }
  await server.connect(new StdioServerTransport());
}
