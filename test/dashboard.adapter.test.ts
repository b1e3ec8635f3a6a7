// The dashboard over a real HTTP server on loopback, reading a real run's files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDashboard, type DashboardHandle } from '../src/server/dashboard.js';
import { ferry } from './helpers/ferry.js';

let dir: string;
let dash: DashboardHandle;
const ID = 'selftest-20260101-d45b0a';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-dash-'));
  await ferry(['--state-dir', join(dir, '.ferry'), '_selftest', '--out', join(dir, 'o'), '--run-id', ID, '--fail-step', 's3']);
  dash = await startDashboard(join(dir, '.ferry'), 0);
});
afterAll(async () => {
  await dash?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dashboard', () => {
  it('lists runs as JSON and HTML', async () => {
    const api = (await (await fetch(`${dash.url}/api/runs`)).json()) as { runs: { run_id: string; status: string }[] };
    expect(api.runs).toEqual([expect.objectContaining({ run_id: ID, status: 'failed' })]);
    const page = await (await fetch(`${dash.url}/`)).text();
    expect(page).toContain(`/runs/${ID}`);
  });

  it('shows a run with its failed step', async () => {
    const page = await (await fetch(`${dash.url}/runs/${ID}`)).text();
    expect(page).toContain('STEP_FAILED: s3 failed on purpose');
  });

  it('streams the run events over SSE and ends after run.finished', async () => {
    const text = await (await fetch(`${dash.url}/runs/${ID}/events`)).text();
    const events = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as { type: string });
    expect(events[0]!.type).toBe('run.started');
    expect(events.at(-1)!.type).toBe('run.finished');
  });

  it('rejects bad ids and 404s unknown runs', async () => {
    expect((await fetch(`${dash.url}/runs/..%2F..%2Fetc/events`)).status).toBe(400);
    expect((await fetch(`${dash.url}/api/runs/release-20991231-ffffff`)).status).toBe(404);
  });
});
