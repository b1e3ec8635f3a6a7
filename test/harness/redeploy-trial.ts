// One crash chain of a real redeploy (the seed-shaped infra workspace: real git repos with bare
// remotes, a busybox image built by the real engine, three running service containers): start
// `ferry redeploy`, kill it (a git wrapper point, a Docker engine call cut by the socket proxy, a step
// boundary, or a seeded random delay), then run the plain resume command until the run completes;
// then judge from outside: exactly one container per service, running the run's image, no temp or
// orphan container, the state and the result file say success, every health URL answers.
import { stuckReport, type ChainOutcome, type ChainPlan } from './crash-chain.js';
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { makeInfraWorkspace, type InfraWorkspace } from '../fixtures/infra-repo.js';
import { containersNamed, uniqueName } from '../fixtures/docker-images.js';
import { git } from '../fixtures/git.js';
import { FERRY_BIN } from '../helpers/ferry.js';
import { readOnlyKind, writeCrashWrappers } from './crash-wrappers.js';
import { readOnlyDockerKind, startDockerProxy, type DockerProxy } from './docker-proxy.js';
import { CANARY, canaryHits } from './canary.js';

export const VERSIONS = 'omniintelligence=0.8.0,omninode-claude=0.4.0,omninode-memory=0.6.1';

export interface RedeployWorld {
  ws: InfraWorkspace;
  /** The services the redeploy recreates (the workspace's first two; the third is left alone). */
  services: InfraWorkspace['services'];
  /** This chain's run id (each chain redeploys the world again under a new one). */
  runId: string;
  home: string;
  stateFile: () => string;
  proxy: DockerProxy;
  env: Record<string, string>;
  /** The container of the service the config leaves out, as it was: no redeploy may touch it. */
  bystander: { container: string; id: string };
  /** A new run id: the next redeploy of the same world. */
  nextRun(): string;
  cleanup(): Promise<void>;
}

/**
 * The infra workspace with ferry's engine calls going through the kill proxy and its git through the
 * kill wrappers. One world serves every chain: each chain is a new redeploy (new run id, new image)
 * of whatever the last one left, which is itself a redeploy a user would run.
 */
export async function redeployWorld(): Promise<RedeployWorld> {
  // The canary is a secret of the env file (redacted everywhere ferry writes).
  const ws = await makeInfraWorkspace({
    env: { POSTGRES_PASSWORD: CANARY, KAFKA_BOOTSTRAP_SERVERS: 'localhost:19092' },
  });
  const home = join(ws.dir, '.ferry');
  const services = ws.services.slice(0, 2);
  const bin = writeCrashWrappers(join(ws.dir, '..', 'crash-bin'));
  const sock = join(ws.dir, '..', 'docker.sock');
  const other = ws.services[2]!.container;
  const w: RedeployWorld = {
    ws,
    services,
    bystander: { container: other, id: (await ws.docker.getContainer(other).inspect()).Id },
    runId: '',
    home,
    stateFile: () => join(home, 'state', 'redeploy', `${w.runId}.json`),
    proxy: await startDockerProxy({
      listen: sock,
      stateFile: () => w.stateFile(),
      names: () => [
        ...services.map((s) => [s.container, '{c}'] as [string, string]),
        [ws.image.slice(0, ws.image.lastIndexOf(':')), '{image}'],
        [w.runId, '{run}'],
      ],
    }),
    env: { PATH: `${bin.dir}:${process.env.PATH ?? ''}`, FERRY_CANARY_SECRET: CANARY, NO_COLOR: '1', CI: 'true' },
    nextRun() {
      w.runId = uniqueName('redeploy-20260301').replace(/-([0-9a-f]{6})[0-9a-f]{2}$/, '-$1');
      return w.runId;
    },
    async cleanup() {
      await w.proxy.close();
      await ws.cleanup();
    },
  };
  const cfg = parse(readFileSync(ws.configPath, 'utf8')) as {
    redeploy: { runtime: { socket?: string; services: Array<{ name: string }> }; verify: { health: object } };
  };
  const names = new Set(services.map((s) => s.name));
  cfg.redeploy.runtime.socket = sock;
  cfg.redeploy.runtime.services = cfg.redeploy.runtime.services.filter((s) => names.has(s.name));
  cfg.redeploy.verify.health = Object.fromEntries(
    Object.entries(cfg.redeploy.verify.health).filter(([n]) => names.has(n)),
  );
  writeFileSync(ws.configPath, stringify(cfg));
  return w;
}

export function spawnRedeploy(w: RedeployWorld, args: string[], extra: Record<string, string> = {}) {
  return execa('node', [FERRY_BIN, 'redeploy', ...args], {
    cwd: w.ws.dir,
    env: { ...w.env, ...extra },
    extendEnv: true,
    reject: false,
    detached: true,
    stdin: 'ignore',
    all: true,
    timeout: 120_000,
  });
}

export type { ChainOutcome, ChainPlan } from './crash-chain.js';

const isReadOnly = (kind: string): boolean => readOnlyKind(kind) || readOnlyDockerKind(kind);

const lines = (f: string): string[] => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : []);

/**
 * One world, one redeploy, killed again and again: every run (the first, then each plain resume) is
 * armed with all points not reached yet and dies at the first it reaches; the chain ends when a run
 * completes. A run that fails without a kill gets one more plain resume; failing again, it is stuck.
 */
export async function crashChain(w: RedeployWorld, plan: ChainPlan, maxRuns = 200): Promise<ChainOutcome> {
  const started = Date.now();
  w.nextRun();
  const hitFile = join(w.ws.dir, '..', `crash-hits-${w.runId}.txt`);
  const out: string[] = [];
  const hit: string[] = [];
  const stuck: string[] = [];
  let kills = 0;
  let failedInARow = 0;
  let firstFailure = '';
  const random = [...(plan.randomMs ?? [])];
  try {
    for (let n = 0; n < maxRuns; n++) {
      const args = existsSync(w.stateFile()) ? ['--resume', w.runId] : ['--versions', VERSIONS, '--run-id', w.runId];
      const armed = failedInARow === 0;
      const before = lines(hitFile).length;
      const p = spawnRedeploy(w, args, {
        FERRY_CRASH_HIT: hitFile,
        ...(armed && plan.commands.size ? { FERRY_CRASH_AT: [...plan.commands].join(';') } : {}),
        ...(armed && plan.boundaries.size ? { FERRY_TEST_CRASH: [...plan.boundaries].join(';') } : {}),
      });
      w.proxy.arm({ pid: p.pid!, points: armed ? [...plan.commands] : [], hitFile });
      const delay = armed ? random.shift() : undefined;
      if (delay !== undefined) {
        await Promise.race([p, sleep(delay)]);
        try {
          process.kill(-p.pid!, 'SIGKILL');
        } catch {
          /* it had finished */
        }
      }
      const r = await p;
      w.proxy.arm({ pid: 0, points: [] });
      out.push(String(r.all ?? ''));
      const hits = lines(hitFile).slice(before);
      for (const h of hits) {
        hit.push(h);
        plan.commands.delete(h);
        plan.boundaries.delete(h);
      }
      if (r.signal === 'SIGKILL' || r.exitCode === 137 || hits.length > 0) {
        kills++;
        failedInARow = 0;
        continue;
      }
      if (r.exitCode === 0) break;
      if (++failedInARow === 1) firstFailure = String(r.stderr ?? '');
      if (failedInARow >= 2) {
        stuck.push(stuckReport(hit.at(-1), r, firstFailure, /error\[|^ *fix:|ERROR in|Resume with/));
        break;
      }
    }
    return {
      kills,
      hit,
      stuck,
      duplicates: stuck.length ? [] : await judge(w),
      canary: canaryHits(w.home, out.join('\n')),
      output: out.join('\n'),
      durationMs: Date.now() - started,
    };
  } finally {
    w.proxy.arm({ pid: 0, points: [] });
  }
}

/** What the outside world says: anything but one container per service on the run's image is a duplicate (or a loss). */
export async function judge(w: RedeployWorld): Promise<string[]> {
  const bad: string[] = [];
  const { docker } = w.ws;
  const tag = `${w.ws.image.slice(0, w.ws.image.lastIndexOf(':'))}:${w.runId}`;
  const image = await docker
    .getImage(tag)
    .inspect()
    .catch(() => null);
  if (!image) return [`image ${tag} not built`];
  const latest = await docker.getImage(w.ws.image).inspect();
  if (latest.Id !== image.Id) bad.push(`${w.ws.image} is not the run's image`);
  const ids: Record<string, string> = {};
  for (const s of w.services) {
    const named = (await containersNamed(docker, s.container)).map((c) => c.Names[0]);
    if (named.join(',') !== `/${s.container}`) bad.push(`${s.name}: containers ${named.join(',') || 'none'}`);
    const c = await docker
      .getContainer(s.container)
      .inspect()
      .catch(() => null);
    if (!c) continue;
    ids[s.name] = c.Id;
    if (c.Image !== image.Id) bad.push(`${s.name} runs ${c.Image.slice(0, 19)}, not ${image.Id.slice(0, 19)}`);
    if (!c.State.Running) bad.push(`${s.name} is ${c.State.Status}`);
    if (!(c.Config.Env ?? []).includes(`SERVICE=${s.name}`)) bad.push(`${s.name} lost its env`);
    const health = await fetch(`http://127.0.0.1:${s.port}/health`).catch(() => null);
    if (health?.status !== 200) bad.push(`${s.name} health ${health?.status ?? 'unreachable'}`);
  }
  const by = await docker
    .getContainer(w.bystander.container)
    .inspect()
    .catch(() => null);
  if (by?.Id !== w.bystander.id || !by.State.Running) bad.push(`${w.bystander.container}, not configured, was touched`);
  // Orphans: every container a run of this redeploy created, under any name.
  const mine = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`ferry.run_id=${w.runId}`] }),
  });
  if (mine.length !== w.services.length) bad.push(`${mine.length} containers labelled with the run`);
  try {
    const s = JSON.parse(readFileSync(w.stateFile(), 'utf8')) as { status?: string };
    if (s.status !== 'completed') bad.push(`state status ${s.status}`);
  } catch (e) {
    bad.push(`state unreadable: ${(e as Error).message.slice(0, 80)}`);
  }
  try {
    const r = JSON.parse(readFileSync(join(w.home, 'results', w.runId, 'redeploy.json'), 'utf8')) as {
      status?: string;
      phases?: Record<string, string>;
      image_id?: string;
      services?: Record<string, { container_id?: string }>;
    };
    if (r.status !== 'success') bad.push(`result status ${r.status}`);
    if (r.phases?.DEPLOY !== 'completed' || r.phases?.VERIFY !== 'completed')
      bad.push(`result phases ${JSON.stringify(r.phases)}`);
    if (r.image_id && r.image_id !== image.Id) bad.push(`result image ${r.image_id}`);
    for (const s of w.services) {
      const got = r.services?.[s.name]?.container_id;
      if (got !== undefined && got !== ids[s.name])
        bad.push(`result names container ${got?.slice(0, 12)} for ${s.name}`);
    }
  } catch (e) {
    bad.push(`result unreadable: ${(e as Error).message.slice(0, 80)}`);
  }
  // The user's infra clone still works: no half-made or locked worktree left behind.
  const fetch_ = await execa('git', ['fetch', '--quiet', 'origin'], { cwd: w.ws.infraRepo, reject: false });
  if (fetch_.exitCode !== 0) bad.push(`git fetch in the infra clone fails: ${fetch_.stderr.split('\n')[0]}`);
  const wt = await git(w.ws.infraRepo, ['worktree', 'list', '--porcelain']);
  if (/^(locked|prunable)/m.test(wt)) bad.push(`a locked or prunable worktree is left: ${wt.replace(/\n/g, ' ')}`);
  return bad;
}

/** Every git command and engine call each step ran in one uninterrupted redeploy, in order: the kill points. */
export async function recordKillPoints(w: RedeployWorld): Promise<{
  steps: string[];
  /**
   * readOnly: the call changes nothing (a kill at its end is a kill at the next one's start);
   * afterRead: first made right after a read-only call of the same step (a kill at its start leaves
   * the world as a kill at that one's start does).
   */
  commands: Array<{ step: string; kind: string; readOnly: boolean; afterRead: boolean }>;
  durationMs: number;
  outcome: string[];
}> {
  w.nextRun();
  const log = join(mkdtempSync(join(tmpdir(), 'ferry-crashlog-')), 'commands.tsv');
  try {
    const t = Date.now();
    const p = spawnRedeploy(w, ['--versions', VERSIONS, '--run-id', w.runId], { FERRY_CRASH_LOG: log });
    w.proxy.arm({ pid: 0, points: [], log });
    const r = await p;
    const durationMs = Date.now() - t;
    if (r.exitCode !== 0) throw new Error(`the uninterrupted redeploy failed:\n${String(r.all)}`);
    const state = JSON.parse(readFileSync(w.stateFile(), 'utf8')) as { step_order: string[] };
    const seen = new Set<string>();
    const commands: Array<{ step: string; kind: string; readOnly: boolean; afterRead: boolean }> = [];
    let prev = '';
    for (const line of lines(log)) {
      const [step, kind] = line.split('\t');
      if (!step || !kind) continue;
      const readOnly = isReadOnly(kind.trim());
      const [prevStep, prevKind] = prev.split('\t');
      prev = line;
      if (seen.has(line)) continue;
      seen.add(line);
      commands.push({ step, kind: kind.trim(), readOnly, afterRead: prevStep === step && isReadOnly(prevKind ?? '') });
    }
    return { steps: state.step_order, commands, durationMs, outcome: await judge(w) };
  } finally {
    w.proxy.arm({ pid: 0, points: [] });
    rmSync(join(log, '..'), { recursive: true, force: true });
  }
}
