// The MCP server, driven by the official MCP client over stdio.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { FERRY_BIN, ferry } from '../helpers/ferry.js';

let dir: string;
let client: Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-mcp-'));
  // One finished run so the history has something in it.
  await ferry(['--state-dir', join(dir, '.ferry'), '_selftest', '--out', join(dir, 'o'), '--run-id', 'selftest-20260101-abcdef']);
  client = new Client({ name: 'ferry-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: 'node', args: [FERRY_BIN, '--state-dir', join(dir, '.ferry'), 'mcp'], cwd: dir, stderr: 'pipe' }));
});
afterAll(async () => {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('mcp', () => {
  it('lists ferry tools with read-only hints', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toContain('ferry_runs_list');
    expect(names).toContain('ferry_release_plan');
    expect(tools.find((t) => t.name === 'ferry_runs_list')!.annotations?.readOnlyHint).toBe(true);
    expect(tools.find((t) => t.name === 'ferry_release')!.annotations?.readOnlyHint).toBe(false);
  });

  it('runs_list returns the same history the CLI shows', async () => {
    const r = await client.callTool({ name: 'ferry_runs_list', arguments: {} });
    const body = JSON.parse((r.content as { text: string }[])[0]!.text) as { exit_code: number; result: { runs: { run_id: string; status: string }[] } };
    expect(body.exit_code).toBe(0);
    expect(body.result.runs.map((x) => [x.run_id, x.status])).toEqual([['selftest-20260101-abcdef', 'completed']]);
  });

  it('rejects a run id with shell characters before running anything', async () => {
    const r = await client.callTool({ name: 'ferry_run_show', arguments: { run_id: 'x; rm -rf /' } });
    expect(r.isError).toBe(true);
    expect(JSON.stringify(r.content)).toMatch(/run id|Invalid/i);
  });

  it('an unknown run comes back as an error result with its code', async () => {
    const r = await client.callTool({ name: 'ferry_run_show', arguments: { run_id: 'release-20991231-ffffff' } });
    expect(r.isError).toBe(true);
    expect(JSON.stringify(r.content)).toContain('STATE_NOT_FOUND');
  });
});
