// The MCP server, driven by the official MCP client over stdio (every tool result checked against
// the published schemas by connectMcp).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ferry } from '../helpers/ferry.js';
import { connectMcp } from '../helpers/mcp.js';
import { buildEcosystem, type Ecosystem } from '../fixtures/ecosystem.js';
import { startDashboard, type DashboardHandle } from '../../src/server/dashboard.js';
import { validateAgainst } from '../helpers/schema.js';

let dir: string;
let client: Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-mcp-'));
  // One finished run so the history has something in it.
  await ferry([
    '--state-dir',
    join(dir, '.ferry'),
    '_selftest',
    '--out',
    join(dir, 'o'),
    '--run-id',
    'selftest-20260101-abcdef',
  ]);
  client = await connectMcp({ cwd: dir, args: ['--state-dir', join(dir, '.ferry'), 'mcp'] });
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
    const body = JSON.parse((r.content as { text: string }[])[0]!.text) as {
      exit_code: number;
      result: { runs: { run_id: string; status: string }[] };
    };
    expect(body.exit_code).toBe(0);
    expect(body.result.runs.map((x) => [x.run_id, x.status])).toEqual([['selftest-20260101-abcdef', 'completed']]);
    // structuredContent is the CLI's --json result itself, valid against the published schema.
    expect(r.structuredContent).toEqual(body.result);
    expect(validateAgainst('runs-list', r.structuredContent)).toEqual([]);
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

// A release through MCP: the plan first, then the release, which waits for a person on the dashboard.
// A release outlives the client's request timeout, so the run goes on even when the client (and
// with it the server) goes away; a new client follows it to the end.
describe('mcp release', () => {
  let eco: Ecosystem;
  let dash: DashboardHandle;
  beforeAll(async () => {
    eco = await buildEcosystem({
      repos: [{ name: 'mcp_pkg', ecosystem: 'python', version: '1.0.0', commits: [{ subject: 'feat: add a thing' }] }],
    });
    // A lint that takes a few seconds, so the run is still going after the approval.
    eco.writeConfig({ release: { lint: ['sh', '-c', 'sleep 3'], gate: { channels: ['tty'], timeout_minutes: 1 } } });
    dash = await startDashboard(join(eco.workspace, '.ferry'), 0);
  });
  afterAll(async () => {
    await dash?.close();
    await eco?.cleanup();
  });
  const connect = (): Promise<Client> => connectMcp({ cwd: eco.workspace });
  const body = (r: unknown): Record<string, unknown> =>
    JSON.parse((r as { content: { text: string }[] }).content[0]!.text) as Record<string, unknown>;

  it('plan, refuse a token for another run, then wait for a person and release in the background past the client', async () => {
    const c = await connect();
    const plan = body(
      await c.callTool({ name: 'ferry_release_plan', arguments: { run_id: 'release-20260101-abc123' } }),
    );
    const result = plan.result as { status: string; run_id: string; plan_hash: string };
    expect([plan.exit_code, result.status, result.run_id]).toEqual([0, 'DRY_RUN', 'release-20260101-abc123']);
    expect(result.plan_hash).toMatch(/^sha256:[0-9a-f]{64}$/);

    const wrong = await c.callTool({
      name: 'ferry_release',
      arguments: { run_id: result.run_id, gate_attestation: '1740312612.000100:release-20260101-ffffff' },
    });
    expect(wrong.isError).toBe(true);
    expect(JSON.stringify(wrong.content)).toContain('INVALID_GATE_TOKEN');

    const progress: string[] = [];
    const started = body(
      await c.callTool({ name: 'ferry_release', arguments: { run_id: result.run_id, wait_seconds: 30 } }, undefined, {
        onprogress: (p) => void progress.push(String(p.message)),
        resetTimeoutOnProgress: true,
      }),
    );
    expect([started.status, started.run_id, started.exit_code]).toEqual(['waiting_for_approval', result.run_id, null]);
    expect(started.approve_url).toBe(`${dash.url}/gates/${result.run_id}`);
    expect(progress.some((m) => m.startsWith('gate.requested'))).toBe(true);
    // The client goes away (its transport stops the server); the release must not go with it.
    await c.close();
    const ok = await fetch(`${dash.url}/gates/${result.run_id}/decide`, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams({ plan_hash: result.plan_hash, decision: 'approve', by: 'alice' }),
    });
    expect(ok.status).toBe(200);

    const c2 = await connect();
    let status = '';
    for (let i = 0; i < 120 && status !== 'completed'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const shown = body(await c2.callTool({ name: 'ferry_run_show', arguments: { run_id: result.run_id } }));
      status = (shown.result as { summary: { status: string } }).summary.status;
      if (status === 'failed') break;
    }
    await c2.close();
    expect(status).toBe('completed');
    expect(await eco.git('mcp_pkg', ['--git-dir', eco.repos.mcp_pkg!.remote, 'log', '-1', '--format=%s', 'main'])).toBe(
      'release: mcp_pkg v1.1.0',
    );
  });

  it('--help teaches how to register it and lists the tools', async () => {
    const r = await ferry(['mcp', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('"mcpServers"');
    expect(r.stdout).toContain('ferry_release_plan');
  });
});
