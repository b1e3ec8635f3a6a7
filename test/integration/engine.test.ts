// The engine contract, driven through a real child process (`ferry _selftest`).
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ferry, ferrySpawn, jsonLines } from '../helpers/ferry.js';
import { validateAgainst } from '../helpers/schema.js';

const roots: string[] = [];
let dir: string;
let home: string;
let out: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-engine-'));
  roots.push(dir);
  home = join(dir, '.ferry');
  out = join(dir, 'effects.txt');
});
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const statePath = (id: string) => join(home, 'state', 'selftest', `${id}.json`);
const effects = () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []);
const base = (id: string) => ['--state-dir', home, '_selftest', '--out', out, '--run-id', id];

async function waitFor(cond: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(25);
  }
}

function allFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

describe('engine', () => {
  it('runs every step once and records completed state', async () => {
    const r = await ferry(base('selftest-20260101-aaaaaa'));
    expect(r.exitCode).toBe(0);
    expect(effects()).toEqual(['s1', 's2', 's3', 's4']);
    const state = JSON.parse(readFileSync(statePath('selftest-20260101-aaaaaa'), 'utf8'));
    expect(state.status).toBe('completed');
    expect(validateAgainst('state', state)).toEqual([]);
  });

  it('kill -9 between steps, then --resume: each side effect exactly once', async () => {
    const id = 'selftest-20260101-bbbbbb';
    const killed = await ferry(base(id), { env: { FERRY_TEST_CRASH: 'AFTER:s2' } });
    expect(killed.exitCode).not.toBe(0);
    expect(effects()).toEqual(['s1', 's2']);
    const r = await ferry(['--state-dir', home, '_selftest', '--out', out, '--resume', id]);
    expect(r.exitCode).toBe(0);
    expect(effects()).toEqual(['s1', 's2', 's3', 's4']);
  });

  it('kill -9 in the middle of a step, then --resume: the step is not repeated', async () => {
    const id = 'selftest-20260101-cccccc';
    const child = ferrySpawn([...base(id), '--sleep-ms', '60000']);
    await waitFor(() => effects().includes('s1'));
    child.kill('SIGKILL');
    await child;
    const mid = JSON.parse(readFileSync(statePath(id), 'utf8'));
    expect(mid.steps.s1.status).toBe('running');
    // The killed run left its lock owner file behind: history lists the run, not that file.
    expect(existsSync(`${statePath(id)}.lock.owner.json`)).toBe(true);
    const list = await ferry(['--json', '--state-dir', home, 'runs', 'list']);
    expect(validateAgainst('runs-list', jsonLines(list.stdout).at(-1))).toEqual([]);
    const listed = jsonLines(list.stdout).at(-1)!.runs as { run_id: string; status: string; interrupted: boolean }[];
    expect(listed.map((x) => [x.run_id, x.status, x.interrupted])).toEqual([[id, 'in_progress', true]]);
    // No process holds it any more: shown as interrupted, with the command that continues it.
    const text = await ferry(['--state-dir', home, 'runs', 'list']);
    expect(text.stdout).toMatch(
      new RegExp(`^${id} +\\| selftest +\\| interrupted +\\| \\S+ \\S+ +\\| - +\\| 0/4$`, 'm'),
    );
    expect(text.stderr).toContain(
      `${id} was interrupted (no live process holds it); resume with: ferry _selftest --resume ${id}`,
    );
    const show = await ferry(['--state-dir', home, 'runs', 'show', id]);
    expect(show.stdout).toContain(
      `selftest ${id}: interrupted (in_progress, but no live process holds it; resume with: ferry _selftest --resume ${id})`,
    );
    const r = await ferry(['--state-dir', home, '_selftest', '--out', out, '--resume', id, '--sleep-ms', '0']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(effects()).toEqual(['s1', 's2', 's3', 's4']);
    const events = readFileSync(join(home, 'runs', id, 'events.jsonl'), 'utf8');
    expect(events).toContain('already done (idempotency check)');
  });

  it('a second concurrent resume fails fast with LOCKED and the holder pid', async () => {
    const id = 'selftest-20260101-dddddd';
    await ferry(base(id), { env: { FERRY_TEST_CRASH: 'AFTER:s1' } });
    const first = ferrySpawn(['--state-dir', home, '_selftest', '--out', out, '--resume', id, '--sleep-ms', '3000']);
    await waitFor(() => effects().includes('s2'));
    // A run a live process holds is running, not interrupted.
    const live = await ferry(['--json', '--state-dir', home, 'runs', 'list']);
    expect(validateAgainst('runs-list', jsonLines(live.stdout).at(-1))).toEqual([]);
    expect(
      (jsonLines(live.stdout).at(-1)!.runs as { run_id: string; interrupted: boolean }[]).find((x) => x.run_id === id)
        ?.interrupted,
    ).toBe(false);
    const second = await ferry(['--state-dir', home, '_selftest', '--out', out, '--resume', id]);
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toContain('LOCKED');
    expect(second.stderr).toContain(`pid ${first.pid}`);
    first.kill('SIGKILL');
    await first;
    // The dead holder's lock is taken over at once.
    const third = await ferry(['--state-dir', home, '_selftest', '--out', out, '--resume', id]);
    expect(third.exitCode, third.stderr).toBe(0);
    expect(effects()).toEqual(['s1', 's2', 's3', 's4']);
  });

  it('truncated or garbage state → STATE_CORRUPT; unknown id → STATE_NOT_FOUND', async () => {
    const id = 'selftest-20260101-eeeeee';
    await ferry(base(id), { env: { FERRY_TEST_CRASH: 'AFTER:s1' } });
    const text = readFileSync(statePath(id), 'utf8');
    // Without the last good state (`.bak`, see state-write.adapter.test.ts) there is nothing to fall back to.
    rmSync(`${statePath(id)}.bak`);
    writeFileSync(statePath(id), text.slice(0, Math.floor(text.length / 2)));
    const truncated = await ferry(['--state-dir', home, '_selftest', '--out', out, '--resume', id]);
    expect(truncated.exitCode).toBe(1);
    expect(truncated.stderr).toContain('STATE_CORRUPT');
    writeFileSync(statePath(id), '{"hello": "world"}');
    const garbage = await ferry(['--state-dir', home, '_selftest', '--out', out, '--resume', id]);
    expect(garbage.stderr).toContain('STATE_CORRUPT');
    const missing = await ferry([
      '--state-dir',
      home,
      '_selftest',
      '--out',
      out,
      '--resume',
      'selftest-20991231-ffffff',
    ]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('STATE_NOT_FOUND');
  });

  it('warns about an unfinished run of the same pipeline untouched for over 24 h', async () => {
    const old = 'selftest-20260101-777777';
    await ferry(base(old), { env: { FERRY_TEST_CRASH: 'AFTER:s1' } });
    // Aged by the state's own timestamps; the file itself stays freshly written (mtime is not the judge).
    const dayAgo = new Date(Date.now() - 25 * 3600_000).toISOString();
    const aged = JSON.parse(readFileSync(statePath(old), 'utf8')) as {
      started_at: string;
      updated_at: string;
      steps: Record<string, { ts?: string }>;
    };
    aged.started_at = aged.updated_at = dayAgo;
    for (const rec of Object.values(aged.steps)) if (rec.ts) rec.ts = dayAgo;
    writeFileSync(statePath(old), JSON.stringify(aged));
    const r = await ferry([
      '--state-dir',
      home,
      '_selftest',
      '--out',
      `${out}.new`,
      '--run-id',
      'selftest-20260101-888888',
    ]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(`stale run ${old}`);
    expect(r.stderr).toContain(`--resume ${old}`);
  });

  it('--dry-run creates no state file and runs nothing', async () => {
    const r = await ferry([...base('selftest-20260101-111111'), '--dry-run']);
    expect(r.exitCode).toBe(0);
    expect(existsSync(join(home, 'state'))).toBe(false);
    expect(existsSync(out)).toBe(false);
    expect(r.stdout).toContain('append "s1"');
  });

  it('a failing step stops the run with the resume command; after the fix --resume completes', async () => {
    const id = 'selftest-20260101-222222';
    const r = await ferry([...base(id), '--fail-step', 's3']);
    expect(r.exitCode).toBe(1);
    expect(effects()).toEqual(['s1', 's2']);
    expect(r.stderr).toContain('s3 failed on purpose');
    expect(r.stderr).toContain(`ferry _selftest --resume ${id}`);
    writeFileSync(`${out}.fixed`, '');
    const again = await ferry(['--state-dir', home, '_selftest', '--out', out, '--resume', id, '--fail-step', 's3']);
    expect(again.exitCode).toBe(0);
    expect(effects()).toEqual(['s1', 's2', 's3', 's4']);
  });

  it('--json: every stdout line parses, the result is last, all validate against schema/', async () => {
    const id = 'selftest-20260101-333333';
    const r = await ferry(['--json', ...base(id)]);
    expect(r.exitCode).toBe(0);
    const lines = jsonLines(r.stdout);
    const result = lines.at(-1)!;
    expect(result.skill).toBe('selftest');
    expect(validateAgainst('result', result)).toEqual([]);
    expect(validateAgainst('selftest-result', result)).toEqual([]);
    for (const e of lines.slice(0, -1)) expect(validateAgainst('event', e)).toEqual([]);
    expect(lines.filter((e) => e.type === 'step.completed')).toHaveLength(4);
    const onDisk = JSON.parse(readFileSync(join(home, 'results', id, 'selftest.json'), 'utf8'));
    expect(onDisk).toEqual(result);
    const failed = await ferry([
      '--json',
      '--state-dir',
      home,
      '_selftest',
      '--out',
      out,
      '--resume',
      'selftest-20991231-ffffff',
    ]);
    const last = jsonLines(failed.stdout).at(-1)!;
    expect(validateAgainst('error-output', last)).toEqual([]);
  });

  it('a secret from the environment never appears in output or any file ferry writes', async () => {
    const secret = 'sk-live-9f8e7d6c5b4a';
    const id = 'selftest-20260101-444444';
    const r = await ferry(['--json', ...base(id), '--secret', secret], { env: { DEPLOY_API_TOKEN: secret } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(r.stdout).toContain('using secret ***');
    const files = allFiles(home);
    expect(files.length).toBeGreaterThan(2);
    for (const f of files) if (statSync(f).isFile()) expect(readFileSync(f, 'utf8'), f).not.toContain(secret);
  });

  it('runs list shows history newest first with status; runs show and events work', async () => {
    await ferry(base('selftest-20260101-555555'));
    await ferry([
      '--state-dir',
      home,
      '_selftest',
      '--out',
      `${out}.2`,
      '--run-id',
      'selftest-20260101-666666',
      '--fail-step',
      's2',
    ]);
    const list = await ferry(['--json', '--state-dir', home, 'runs', 'list']);
    expect(validateAgainst('runs-list', jsonLines(list.stdout).at(-1))).toEqual([]);
    const runs = jsonLines(list.stdout).at(-1)!.runs as { run_id: string; status: string }[];
    expect(runs.map((x) => [x.run_id, x.status])).toEqual([
      ['selftest-20260101-666666', 'failed'],
      ['selftest-20260101-555555', 'completed'],
    ]);
    const show = await ferry(['--state-dir', home, 'runs', 'show', 'selftest-20260101-666666']);
    expect(show.stdout).toMatch(/^s2 +\| failed +\| /m);
    const events = await ferry(['--state-dir', home, 'runs', 'events', 'selftest-20260101-555555']);
    expect(jsonLines(events.stdout)[0]!.type).toBe('run.started');
  });
});
