// The dashboard gate channel: a release waits for a person to approve or reject in the browser.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildEcosystem, type Ecosystem } from '../fixtures/ecosystem.js';
import { startDashboard, type DashboardHandle } from '../../src/server/dashboard.js';
import { ferry, ferrySpawn, jsonLines } from '../helpers/ferry.js';

let eco: Ecosystem | undefined;
let dash: DashboardHandle | undefined;
afterEach(async () => {
  await dash?.close();
  await eco?.cleanup();
});

async function setup(): Promise<{ eco: Ecosystem; dash: DashboardHandle }> {
  eco = await buildEcosystem({
    repos: [{ name: 'gate_demo', ecosystem: 'python', version: '1.0.0', commits: [{ subject: 'feat: add a thing' }] }],
  });
  eco.writeConfig({ release: { gate: { channels: ['dashboard'], timeout_minutes: 1 } } });
  dash = await startDashboard(join(eco.workspace, '.ferry'), 0);
  return { eco, dash };
}

async function pendingGate(url: string): Promise<{ run_id: string; plan_hash: string; message: string }> {
  for (let i = 0; i < 200; i++) {
    const { gates } = (await (await fetch(`${url}/api/gates`)).json()) as {
      gates: { run_id: string; plan_hash: string; message: string }[];
    };
    if (gates[0]) return gates[0];
    await sleep(100);
  }
  throw new Error('no gate appeared');
}

const decide = (url: string, runId: string, body: Record<string, string>) =>
  fetch(`${url}/gates/${runId}/decide`, {
    method: 'POST',
    headers: { accept: 'application/json' },
    body: new URLSearchParams(body),
  });

describe('dashboard gate', () => {
  it('waits for approval; a stale plan hash is refused; approval releases', async () => {
    const { eco, dash } = await setup();
    const child = ferrySpawn(['--json', 'release'], { cwd: eco.workspace });
    const gate = await pendingGate(dash.url);
    expect(gate.message).toContain('[HIGH_RISK] release');
    expect(await (await fetch(`${dash.url}/gates`)).text()).toContain(gate.plan_hash);
    const stale = await decide(dash.url, gate.run_id, {
      plan_hash: 'sha256:' + '0'.repeat(64),
      decision: 'approve',
      by: 'mallory',
    });
    expect(stale.status).toBe(409);
    const ok = await decide(dash.url, gate.run_id, { plan_hash: gate.plan_hash, decision: 'approve', by: 'alice' });
    expect(ok.status).toBe(200);
    const r = await child;
    expect(r.exitCode, String(r.stderr)).toBe(0);
    const result = jsonLines(String(r.stdout)).at(-1)!;
    expect(result.status).toBe('SUCCESS');
    expect(String(result.gate_token)).toMatch(new RegExp(`^\\d+\\.\\d{6}:${gate.run_id}$`));
    expect(
      await eco.git('gate_demo', ['--git-dir', eco.repos.gate_demo!.remote, 'log', '-1', '--format=%s', 'main']),
    ).toBe('release: gate_demo v1.1.0');
  });

  it('a rejection stops the release and changes nothing', async () => {
    const { eco, dash } = await setup();
    const before = await eco.snapshotRepos();
    const child = ferrySpawn(['release'], { cwd: eco.workspace });
    const gate = await pendingGate(dash.url);
    await decide(dash.url, gate.run_id, { plan_hash: gate.plan_hash, decision: 'reject', by: 'bob' });
    const r = await child;
    expect(r.exitCode).toBe(1);
    expect(String(r.stderr)).toContain('GATE_REJECTED');
    expect(String(r.stderr)).toContain('rejected on the dashboard by bob');
    expect((await eco.snapshotRepos()).digest).toBe(before.digest);
  });

  it('a run killed while waiting is not offered for approval; a stale page gets an HTML answer', async () => {
    const { eco, dash } = await setup();
    const child = ferrySpawn(['release'], { cwd: eco.workspace });
    const gate = await pendingGate(dash.url);
    const stale = await fetch(`${dash.url}/gates/${gate.run_id}/decide`, {
      method: 'POST',
      headers: { accept: 'text/html' },
      body: new URLSearchParams({ plan_hash: 'sha256:' + '0'.repeat(64), decision: 'approve', by: 'alice' }),
    });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toContain('text/html');
    expect(await stale.text()).toContain('reload and review it');

    child.kill('SIGKILL');
    await child;
    const { gates } = (await (await fetch(`${dash.url}/api/gates`)).json()) as { gates: unknown[] };
    expect(gates).toEqual([]);
    expect(await (await fetch(`${dash.url}/`)).text()).not.toContain('waiting</a>');
    const page = await (await fetch(`${dash.url}/gates`)).text();
    expect(page).toContain('No longer waiting');
    // Killed at its first gate: no state was written and nothing changed, so it starts again (no --resume).
    expect(page).toContain('run <code>ferry release</code>, which asks again');
    const late = await decide(dash.url, gate.run_id, { plan_hash: gate.plan_hash, decision: 'approve', by: 'alice' });
    expect(late.status).toBe(404);
    expect(((await late.json()) as { error: { message: string } }).error.message).toContain('no longer waiting');
  });

  it('dashboard --help names the pages and has examples', async () => {
    const r = await ferry(['dashboard', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('/gates');
    expect(r.stdout).toContain('Examples:');
  });
});
