// The dashboard over a real HTTP server on loopback, reading a real run's files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { startDashboard, type DashboardHandle } from '../src/server/dashboard.js';
import { ferry } from './helpers/ferry.js';

let dir: string;
let dash: DashboardHandle;
const ID = 'selftest-20260101-d45b0a';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-dash-'));
  await ferry([
    '--state-dir',
    join(dir, '.ferry'),
    '_selftest',
    '--out',
    join(dir, 'o'),
    '--run-id',
    ID,
    '--fail-step',
    's3',
  ]);
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

  it('streams the run events over SSE with ids, ends after run.finished, and resumes after Last-Event-ID', async () => {
    const sse = async (headers: Record<string, string> = {}) => {
      const text = await (await fetch(`${dash.url}/runs/${ID}/events`, { headers })).text();
      return text
        .trim()
        .split('\n\n')
        .map((block) => {
          const field = (name: string) =>
            block
              .split('\n')
              .find((l) => l.startsWith(`${name}:`))
              ?.slice(name.length + 1)
              .trim();
          return { event: field('event'), id: Number(field('id')), data: JSON.parse(field('data') ?? 'null') };
        });
    };
    const all = await sse();
    const events = all.filter((m) => m.event === 'ferry');
    expect(events[0]!.data.type).toBe('run.started');
    expect(events.at(-1)!.data.type).toBe('run.finished');
    expect(events.map((m) => m.id)).toEqual(events.map((_, i) => i + 1));
    // The stream ends once, with an `end` the page closes on (no reconnect, no replay).
    expect(all.at(-1)).toMatchObject({ event: 'end', id: events.length });
    const rest = await sse({ 'last-event-id': String(events.length - 2) });
    expect(rest.filter((m) => m.event === 'ferry').map((m) => m.id)).toEqual([events.length - 1, events.length]);
  });

  it('rejects bad ids and 404s unknown runs', async () => {
    expect((await fetch(`${dash.url}/runs/..%2F..%2Fetc/events`)).status).toBe(400);
    expect((await fetch(`${dash.url}/api/runs/release-20991231-ffffff`)).status).toBe(404);
  });

  it('answers only loopback Host names and refuses cross-origin POSTs (no DNS rebinding or cross-site approval)', async () => {
    const { port } = new URL(dash.url);
    const call = (method: string, path: string, headers: Record<string, string>): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(method === 'POST' ? 'decision=approve&plan_hash=x&by=eve' : undefined);
      });
    expect(await call('GET', '/api/gates', { host: `127.0.0.1:${port}` })).toBe(200);
    expect(await call('GET', '/api/gates', { host: `localhost:${port}` })).toBe(200);
    expect(await call('GET', '/api/gates', { host: `evil.example:${port}` })).toBe(403);
    const form = { 'content-type': 'application/x-www-form-urlencoded', host: `127.0.0.1:${port}` };
    expect(await call('POST', `/gates/${ID}/decide`, { ...form, origin: 'http://evil.example' })).toBe(403);
    expect(await call('POST', `/gates/${ID}/decide`, { ...form, origin: 'null' })).toBe(403);
    // Exactly our origin, nothing near it: unparseable, another port, another scheme (issue 14 point 6).
    for (const origin of [
      'not a url',
      `http://127.0.0.1:${Number(port) + 1}`,
      `https://127.0.0.1:${port}`,
      `http://localhost:${port}`,
    ])
      expect(await call('POST', `/gates/${ID}/decide`, { ...form, origin }), origin).toBe(403);
    // Same origin gets through to the gate logic (nothing is pending for this run: 404).
    expect(await call('POST', `/gates/${ID}/decide`, { ...form, origin: `http://127.0.0.1:${port}` })).toBe(404);
  });

  it('refuses a request body over 64 KiB before reading it (413), and still answers afterwards', async () => {
    const big = await fetch(`${dash.url}/gates/${ID}/decide`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `decision=approve&plan_hash=x&by=${'e'.repeat(1024 * 1024)}`,
    });
    expect(big.status).toBe(413);
    expect((await fetch(`${dash.url}/api/gates`)).status).toBe(200);
  });
});
