// The faults harness (issue 14, "Prove it in CI"): real faults injected into real releases (git repos
// with bare remotes, the testkit PyPI index, real build and twine), each ending with its documented
// error code — one line and a fix line, no stack trace — after which the documented fix completes the
// run exactly once, judged from the outside world. Disk full and read-only state dir are in
// faults-mounts.test.ts, the unreachable Docker engine in faults-docker.test.ts.
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startPypiServer, type PypiServer } from '../fixtures/pypi-server.js';
import { git } from '../fixtures/git.js';
import { CANARY } from '../harness/canary.js';
import { faultTally } from '../harness/fault-tally.js';
import {
  attested,
  expectCompleted,
  expectFault,
  faultWorld,
  judgeRelease,
  refusalWindowMs,
  remoteHook,
  type FaultWorld,
} from '../harness/fault-world.js';
import { portSwitch, type PortSwitch } from '../harness/port-switch.js';

let pypi: PypiServer;
const worlds: FaultWorld[] = [];
const switches: PortSwitch[] = [];
const scratch: string[] = [];
beforeAll(async () => {
  pypi = await startPypiServer({ token: CANARY });
});
afterAll(async () => {
  for (const s of switches) await s.stop();
  await pypi?.stop();
  for (const w of worlds) await w.cleanup();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

async function world(name: string, o: Parameters<typeof faultWorld>[2] = {}): Promise<FaultWorld> {
  const w = await faultWorld(pypi, name, o);
  worlds.push(w);
  return w;
}

// The faults are independent worlds (own repos, own package names, own proxies; the 500s are served by
// their own index): they run side by side, which keeps the file within its time budget.
describe.concurrent('faults', () => {
  const t = faultTally('faults.test.ts');

  t.fault('push rejected, then allowed', async () => {
    const w = await world('pushfault');
    const refuse = remoteHook(w, 'pre-receive', 'echo "push refused: the branch is frozen" >&2; exit 1');
    const first = await w.start();
    const fix = expectFault(first, 'PUSH_FAILED');
    expect(fix).toContain(`ferry release --resume ${w.runId}`);
    expect(await git(w.eco.repos[w.name]!.remote, ['tag', '--list'])).toBe(`${w.name}/v1.0.0`);
    rmSync(refuse);
    expectCompleted(await w.resume());
    expect(await judgeRelease(w, pypi)).toEqual([]);
  });

  t.fault('registry answers 500, then recovers', async () => {
    // Its own index: the failures it serves must reach this fault's uploads, not a neighbour's.
    const own = await startPypiServer({ token: CANARY });
    const w = await faultWorld(own, 'fivehundred');
    worlds.push(w);
    const pypi = own;
    // Six uploads refused outright (twine itself tries a file 5 times, so ferry's own retry is needed),
    // then one stored whose reply is lost (a 500 after the write).
    pypi.failNext(6, { status: 500, scope: 'upload' });
    pypi.failNext(1, { status: 500, afterStore: true });
    const before = pypi.requests.filter((r) => r.status === 500).length;
    const r = await w.start();
    expectCompleted(r);
    // ferry's own retries absorbed them (logged in the run's events), asking the index before every try.
    const events = readFileSync(join(w.home, 'runs', w.runId, 'events.jsonl'), 'utf8');
    expect(events).toMatch(/waiting for [^"]*upload of fivehundred 1\.1\.0[^"]*HTTP 500/);
    expect(pypi.requests.filter((q) => q.status === 500).length - before, 'every 500 was served').toBe(7);
    expect(await judgeRelease(w, pypi)).toEqual([]);
    await own.stop();
  });

  t.fault('registry port closed in the middle of the run, then open again', async () => {
    const sw = await portSwitch(pypi.url);
    switches.push(sw);
    const w = await world('deadport', { registry: { url: `${sw.url}legacy/`, index: sw.url } });
    // The registry goes away the moment the release tag reaches the remote: PUBLISH finds nothing listening.
    const down = join(w.eco.root, 'registry-down');
    remoteHook(w, 'post-receive', `while read o n ref; do case "$ref" in refs/tags/*) touch ${down};; esac; done`);
    sw.closeWhen(down);
    const first = await w.start();
    const fix = expectFault(first, 'PUBLISH_FAILED');
    expect(first.out).toMatch(/refused \d+ times in a row/);
    expect(fix).toContain(`ferry release --resume ${w.runId}`);
    expect(sw.isOpen()).toBe(false);
    // Fails fast: the refusals take seconds, not the 5-minute retry budget.
    expect(refusalWindowMs(w)).toBeLessThan(60_000);
    await sw.open();
    expectCompleted(await w.resume());
    expect(await judgeRelease(w, pypi)).toEqual([]);
  });

  t.fault('upload URL on a closed port, then fixed in ferry.yaml', async () => {
    // The index answers (the plan sees 1.0.0), but the upload URL is a port nothing listens on.
    const dead = await portSwitch(pypi.url);
    switches.push(dead);
    await dead.close();
    const w = await world('deadupload', { registry: { url: `${dead.url}legacy/` } });
    const first = await w.start();
    const fix = expectFault(first, 'PUBLISH_FAILED');
    expect(fix).toContain(`ferry release --resume ${w.runId}`);
    // Fails fast: connection refused is not a transient failure to wait out for 5 minutes.
    expect(first.out).toMatch(/refused \d+ times in a row/);
    expect(refusalWindowMs(w)).toBeLessThan(60_000);
    // The user fixes the URL; the resume uploads.
    const cfg = readFileSync(w.eco.configPath, 'utf8');
    expect(cfg).toContain(`${dead.url}legacy/`);
    writeFileSync(w.eco.configPath, cfg.replace(`${dead.url}legacy/`, pypi.uploadUrl));
    expectCompleted(await w.resume());
    expect(await judgeRelease(w, pypi)).toEqual([]);
  });

  t.fault('a second run on the same workspace while the first holds it', async () => {
    const gate = mkdtempSync(join(tmpdir(), 'ferry-fault-lint-'));
    scratch.push(gate);
    const inLint = join(gate, 'in-lint');
    const go = join(gate, 'go');
    // Run A's lint waits until the test lets it go: A holds the workspace for as long as needed.
    const w = await world('twowriters', {
      release: { lint: ['sh', '-c', `touch ${inLint}; while [ ! -e ${go} ]; do sleep 0.1; done`] },
    });
    const a = w.start();
    for (let i = 0; i < 600 && !existsSync(inLint); i++) await sleep(100);
    expect(existsSync(inLint), 'run A reached its lint').toBe(true);
    const otherId = 'release-20260301-fb0002';
    const b = await w.release(attested(otherId));
    const fix = expectFault(b, 'LOCKED');
    expect(b.out).toContain(`run ${w.runId}`);
    expect(b.out).toContain(`pid ${a.pid}`);
    expect(fix).toContain(`ferry release --resume ${w.runId}`);
    writeFileSync(go, '');
    expectCompleted(await a);
    // The refused run, asked again once A is done, finds nothing left to do; nothing happened twice.
    const again = await w.release(attested(otherId));
    expect(again.out).not.toContain('LOCKED');
    expect(again.out).toContain('NOTHING_TO_RELEASE');
    expect(await git(w.eco.repos[w.name]!.remote, ['branch', '--list', `release/${otherId}/*`])).toBe('');
    expect(await judgeRelease(w, pypi)).toEqual([]);
  });

  t.fault('corrupt state after a tag that was never uploaded', async () => {
    const sw = await portSwitch(pypi.url);
    switches.push(sw);
    const w = await world('corrupt', { registry: { url: `${sw.url}legacy/`, index: sw.url } });
    const down = join(w.eco.root, 'registry-down');
    remoteHook(w, 'post-receive', `while read o n ref; do case "$ref" in refs/tags/*) touch ${down};; esac; done`);
    sw.closeWhen(down);
    expectFault(await w.start(), 'PUBLISH_FAILED');
    await sw.open();
    // Tagged, not uploaded — and then the state and its backup are torn (a crash of the disk, not of ferry).
    const state = join(w.home, 'state', 'release', `${w.runId}.json`);
    for (const f of [state, `${state}.bak`]) if (existsSync(f)) truncateSync(f, 100);
    const resumed = await w.resume();
    const fix = expectFault(resumed, 'STATE_CORRUPT');
    const m = /^rm (\S+) && ferry release --recover\b/.exec(fix);
    expect(m, fix).not.toBeNull();
    expect(m![1]).toBe(state);
    expect(pypi.files().filter((f) => f.name === w.name)).toEqual([]);
    // The documented fix, as written.
    rmSync(m![1]!);
    const rec = await w.release(['--recover']);
    expectCompleted(rec);
    expect(rec.out).toMatch(/recovered corrupt 1\.1\.0: uploaded/);
    const next = await w.release(['--dry-run']);
    expect(next.exitCode, next.out).toBe(0);
    expect(next.out).not.toMatch(/tagged, not published/);
    expect(await judgeRelease(w, pypi, { archived: false })).toEqual([]);
  });
});
