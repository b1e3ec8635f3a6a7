// An agent and a person on one release, through the official MCP client: the agent plans and starts
// the release, which waits for a person; the person approves on the dashboard over HTTP; the agent
// follows the run to completed reading only structuredContent. An invented attestation is refused.
// Every tool result is validated against the published schema/ files (here and in connectMcp).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { buildEcosystem, type Ecosystem } from '../fixtures/ecosystem.js';
import { startDashboard, type DashboardHandle } from '../../src/server/dashboard.js';
import { connectMcp } from '../helpers/mcp.js';
import { validateAgainst, type SchemaFile } from '../helpers/schema.js';

let eco: Ecosystem;
let dash: DashboardHandle;
let client: Client;
const RUN = 'release-20260304-a9e17c';

type Structured = Record<string, unknown>;
async function call(name: string, args: Record<string, unknown>, schema: SchemaFile): Promise<Structured> {
  const r = await client.callTool({ name, arguments: args });
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  const s = r.structuredContent as Structured;
  expect(validateAgainst(schema, s)).toEqual([]);
  return s;
}
const remoteMain = () =>
  eco.git('agent_pkg', ['--git-dir', eco.repos.agent_pkg!.remote, 'log', '-1', '--format=%s', 'main']);

beforeAll(async () => {
  eco = await buildEcosystem({
    repos: [{ name: 'agent_pkg', ecosystem: 'python', version: '2.0.0', commits: [{ subject: 'fix: a bug' }] }],
  });
  // The configured channel is the terminal only, which an MCP client does not have: an agent's
  // release waits on the dashboard as well.
  eco.writeConfig({ release: { gate: { channels: ['tty'], timeout_minutes: 2 } } });
  dash = await startDashboard(join(eco.workspace, '.ferry'), 0);
  client = await connectMcp({ cwd: eco.workspace });
});
afterAll(async () => {
  await client?.close();
  await dash?.close();
  await eco?.cleanup();
});

describe('mcp: an agent starts, a person approves', () => {
  it('announces the flow, and every tool has described inputs and an output schema', async () => {
    expect(client.getInstructions()).toContain('waiting_for_approval');
    const { tools } = await client.listTools();
    expect(tools.length).toBe(7);
    for (const t of tools) {
      expect(t.outputSchema?.type, t.name).toBe('object');
      for (const [field, p] of Object.entries(t.inputSchema.properties ?? {}))
        expect((p as { description?: string }).description, `${t.name}.${field}`).toBeTruthy();
    }
    expect(tools.find((t) => t.name === 'ferry_release')!.inputSchema.required ?? []).not.toContain('gate_attestation');
  });

  it('plan → release without attestation → approve on the dashboard → completed; an invented attestation is refused', async () => {
    const checked = await call('ferry_config_check', {}, 'config-check');
    expect(checked).toMatchObject({ ok: true, tiers: [['agent_pkg']] });
    const plan = await call('ferry_release_plan', { run_id: RUN }, 'release-result');
    expect([plan.status, plan.run_id]).toEqual(['DRY_RUN', RUN]);
    expect(plan.details).toEqual([
      expect.objectContaining({ repo: 'agent_pkg', old_version: '2.0.0', new_version: '2.0.1' }),
    ]);

    // No Slack: ferry cannot verify an attestation, and from an agent it refuses it before anything runs.
    const forged = await client.callTool({
      name: 'ferry_release',
      arguments: { run_id: RUN, gate_attestation: `1740312612.000100:${RUN}` },
    });
    expect(forged.isError).toBe(true);
    const refused = JSON.parse((forged.content as { text: string }[])[0]!.text) as { result: unknown };
    expect(validateAgainst('error-output', refused.result)).toEqual([]);
    expect(refused.result).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_GATE_TOKEN',
        message: expect.stringContaining('an agent cannot approve its own release'),
      },
    });
    expect(await remoteMain()).not.toContain('release:');

    const started = await call('ferry_release', { run_id: RUN }, 'mcp-pending');
    expect(started).toMatchObject({
      status: 'waiting_for_approval',
      run_id: RUN,
      approve_url: `${dash.url}/gates/${RUN}`,
    });

    const waiting = await call('ferry_run_show', { run_id: RUN }, 'runs-show');
    const view = waiting.view as { status: string; gate: { plan_hash: string; approve_url: string } };
    expect(view.status).toBe('waiting_for_approval');
    expect(view.gate.plan_hash).toBe(plan.plan_hash);
    expect(waiting.state).toBeUndefined(); // compact by default

    // The person: the page the agent handed over, then Approve.
    const page = await (await fetch(started.approve_url as string)).text();
    expect(page).toContain(String(plan.plan_hash));
    const approved = await fetch(`${dash.url}/gates/${RUN}/decide`, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: new URLSearchParams({ plan_hash: view.gate.plan_hash, decision: 'approve', by: 'alice' }),
    });
    expect(approved.status).toBe(200);

    // The agent follows through structuredContent only.
    let shown: Structured = waiting;
    for (let i = 0; i < 240; i++) {
      shown = await call('ferry_run_show', { run_id: RUN }, 'runs-show');
      const status = (shown.view as { status: string }).status;
      if (status === 'completed' || status === 'failed' || status === 'partial') break;
      await sleep(500);
    }
    expect(shown.view).toMatchObject({
      status: 'completed',
      gate: { status: 'approved', by: 'alice' },
      packages: [{ package: 'agent_pkg', old_version: '2.0.0', new_version: '2.0.1', phase: 'DONE' }],
      failed_steps: [],
      resume: null,
    });
    expect(await remoteMain()).toBe('release: agent_pkg v2.0.1');
    const full = await call('ferry_run_show', { run_id: RUN, full: true }, 'runs-show');
    expect(validateAgainst('state', full.state)).toEqual([]);
    // The same workspace named explicitly (inside the allowed directory) answers the same.
    const list = await call('ferry_runs_list', { dir: eco.workspace }, 'runs-list');
    expect(list.runs).toEqual([expect.objectContaining({ run_id: RUN, status: 'completed' })]);
  });

  it('a workspace outside the allowed directories is refused', async () => {
    const r = await client.callTool({ name: 'ferry_runs_list', arguments: { dir: '/' } });
    expect(r.isError).toBe(true);
    expect(JSON.stringify(r.content)).toContain('outside the directories this MCP server may use');
  });
});
