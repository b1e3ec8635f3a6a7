// Remote promote and self-deploy through a REAL sshd on loopback (test/fixtures/sshd.ts) and a real
// Docker engine, via the built CLI. The services have `host: 127.0.0.1` and an `ssh:` block (port,
// key, -o options, and `ferry:` = an absolute wrapper that execs the built ferry: sshd resets the
// environment and login shells rewrite PATH, so the remote command is configured, not looked up).
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DockerRuntime } from '../../src/adapters/runtime/docker.js';
import { pidAlive } from '../../src/promote/hook-launch.js';
import { parseVerdict } from '../../src/promote/verdict.js';
import { FERRY_BIN, ferry, jsonLines } from '../helpers/ferry.js';
import { validateAgainst } from '../helpers/schema.js';
import { cleanupSuite, containersNamed, freePort, runService, uniqueName } from '../fixtures/docker-images.js';
import { sshdSkipReason, startSshd, type Sshd } from '../fixtures/sshd.js';
import { buildMarkedImage, repoImageIds, sleep } from '../promote-helpers.js';

const skip = sshdSkipReason();
if (skip) console.warn(`skipping remote (ssh) promote tests: ${skip}`);

const docker = new DockerRuntime();
const suite = uniqueName('promotessh');
const repo = suite;
const stg = uniqueName('stg');
const prod = uniqueName('prod');
const selfProd = uniqueName('selfprod');
const ids: Record<string, string> = {};
let dir: string;
let sshd: Sshd;
let prodPort: number;
let selfPort: number;

const run = (args: string[], env: Record<string, string> = {}) => ferry(['--json', ...args], { cwd: dir, env });
const last = (stdout: string): Record<string, unknown> => jsonLines(stdout).pop()!;
const home = () => join(dir, '.ferry');
const verdict = (service: string) =>
  parseVerdict(readFileSync(join(home(), 'verdicts', service, '14-deploy-log.md'), 'utf8'), 'deploy');
const state = (id: string) =>
  JSON.parse(readFileSync(join(home(), 'state', 'promote', `${id}.json`), 'utf8')) as {
    status: string;
    steps: Record<string, { status: string }>;
    data: Record<string, unknown>;
  };
const events = (id: string) => jsonLines(readFileSync(join(home(), 'runs', id, 'events.jsonl'), 'utf8'));
const calls = () => (existsSync(join(dir, 'calls.log')) ? readFileSync(join(dir, 'calls.log'), 'utf8') : '');
const healthy = async (port: number) =>
  (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200;

beforeAll(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'ferry-promote-ssh-'));
  sshd = await startSshd();
  // The remote ferry: records each call, holds a self-deploy hook while `hold` exists (so the test can
  // see it alive after the launching ferry exited), then execs the built CLI.
  const wrapper = join(dir, 'ferry-remote');
  writeFileSync(
    wrapper,
    `#!/bin/sh
echo "$*" >> ${join(dir, 'calls.log')}
case " $* " in *" --hook-mode "*) while [ -e ${join(dir, 'hold')} ]; do sleep 0.1; done ;; esac
case " $* " in *" --hook-step "*)
  out=$(${process.execPath} ${FERRY_BIN} "$@"); rc=$?
  printf '%s\n' "$out"; printf '%s\n' "$out" >> ${join(dir, 'hook-out.log')}; exit $rc ;;
esac
exec ${process.execPath} ${FERRY_BIN} "$@"
`,
  );
  chmodSync(wrapper, 0o755);
  ids.v1 = await buildMarkedImage(docker.docker, `${repo}:v1`, suite, 'v1');
  ids.v2 = await buildMarkedImage(docker.docker, `${repo}:v2`, suite, 'v2');
  ids.v3 = await buildMarkedImage(docker.docker, `${repo}:v3`, suite, 'v3');
  ids.bad = await buildMarkedImage(docker.docker, `${repo}:bad`, suite, 'bad', false);
  await docker.tag(ids.v1, `${repo}:prod`);
  await docker.tag(ids.v1, `${repo}:self`);
  prodPort = await freePort();
  selfPort = await freePort();
  await runService(docker.docker, { name: stg, image: `${repo}:v2`, suite, hostPort: await freePort() });
  await runService(docker.docker, { name: prod, image: `${repo}:prod`, suite, hostPort: prodPort });
  await runService(docker.docker, { name: selfProd, image: `${repo}:self`, suite, hostPort: selfPort });
  const ssh = sshd.sshConfig({ ferry: [wrapper] });
  const check = ['wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:80/version'];
  writeFileSync(
    join(dir, 'ferry.yaml'),
    stringify({
      version: 1,
      environments: {
        staging: {
          services: {
            api: { container: stg, image: `${repo}:staging`, check },
            orch: { container: stg, image: `${repo}:staging`, check },
          },
        },
        production: {
          services: {
            api: {
              container: prod,
              image: `${repo}:prod`,
              host: '127.0.0.1',
              ssh,
              health: `http://127.0.0.1:${prodPort}/health`,
              health_timeout_seconds: 5,
            },
            orch: {
              container: selfProd,
              image: `${repo}:self`,
              self: true,
              host: '127.0.0.1',
              ssh,
              health: `http://127.0.0.1:${selfPort}/health`,
              health_timeout_seconds: 10,
            },
          },
        },
      },
    }),
  );
}, 120_000);

afterAll(async () => {
  if (skip) return;
  rmSync(join(dir, 'hold'), { force: true });
  await sshd?.stop();
  await cleanupSuite(docker.docker, suite, [`${repo}:prod`, `${repo}:self`]);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skip)('promote / self-deploy to a host over real ssh (CLI)', () => {
  it('remote promote of a good image: every runtime step over ssh, production on the staged image id, exit 0, SUCCESS; --dry-run changes nothing', async () => {
    const staged = await run(['stage', 'api']);
    expect(staged.exitCode, staged.stderr).toBe(0);
    expect(last(staged.stdout)).toMatchObject({ status: 'SUCCESS', image_id: ids.v2 });

    const dry = await ferry(['promote', 'api', '--env', 'production', '--dry-run'], { cwd: dir });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`ssh -p ${sshd.port} -i ${sshd.identityFile} -o BatchMode=yes`);
    expect(dry.stdout).toContain(`promote api --env production --hook-step switch --image ${ids.v2}`);
    expect(dry.stdout).toContain(`on 127.0.0.1: recreate container ${prod}`);
    expect(existsSync(join(home(), 'state', 'promote'))).toBe(false);
    expect((await docker.inspectContainer(prod))?.imageId).toBe(ids.v1);
    expect(calls()).not.toMatch(/--hook-step (retag|switch|rollback)/); // the dry run only asked read-only steps

    const id = 'promote-20260101-ssh001';
    const imagesBefore = await repoImageIds(docker.docker, repo);
    const r = await run(['promote', 'api', '--env', 'production', '--run-id', id]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(last(r.stdout)).toMatchObject({
      status: 'SUCCESS',
      exit_code: 0,
      run_id: id,
      source_image_id: ids.v2,
      previous_image_id: ids.v1,
      rolled_back: false,
    });
    expect((await docker.inspectContainer(prod))?.imageId).toBe(ids.v2);
    expect(await healthy(prodPort)).toBe(true);
    expect(await repoImageIds(docker.docker, repo)).toEqual(imagesBefore); // build once: nothing built
    for (const step of ['current', 'retag', 'switch', 'health'])
      expect(calls()).toContain(`promote api --env production --hook-step ${step}`);
    // Every answer the host printed (the JSON line the controller read over ssh) matches schema/hook-step.
    const answers = readFileSync(join(dir, 'hook-out.log'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { hook_step: string });
    for (const step of ['current', 'retag', 'switch', 'health'])
      expect(answers.map((a) => a.hook_step)).toContain(step);
    for (const a of answers) expect(validateAgainst('hook-step', a), JSON.stringify(a)).toEqual([]);
    expect(sshd.log()).toContain('Accepted publickey for root from 127.0.0.1');
    // Engine state, events and the verdict are written here, by the controller.
    const s = state(id);
    expect(s.status).toBe('completed');
    expect(Object.fromEntries(Object.entries(s.steps).map(([k, v]) => [k, v.status]))).toEqual({
      VERIFY_STAGING: 'completed',
      RECORD_PREVIOUS: 'completed',
      RETAG: 'completed',
      SWITCH: 'completed',
      HEALTH: 'completed',
      ROLLBACK: 'skipped',
      VERDICT: 'completed',
    });
    expect(events(id).some((e) => e.type === 'run.finished')).toBe(true);
    expect(verdict('api').frontmatter).toMatchObject({
      deploy_status: 'SUCCESS',
      exit_code: 0,
      image_id: ids.v2,
      run_id: id,
    });
  });

  it('bad health on the host: exit 2, rollback over ssh, production back on the previous image and healthy, FAILED verdict', async () => {
    await docker.recreate(stg, `${repo}:bad`);
    const staged = await run(['stage', 'api']);
    expect(staged.exitCode, staged.stderr).toBe(0); // the staging check reads /version, which the bad image still serves
    const id = 'promote-20260101-ssh002';
    const r = await run(['promote', 'api', '--env', 'production', '--run-id', id]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(2);
    expect(last(r.stdout)).toMatchObject({
      status: 'FAILED',
      exit_code: 2,
      source_image_id: ids.bad,
      previous_image_id: ids.v2,
      switched: true,
      rolled_back: true,
      rollback_healthy: true,
      error: { code: 'HEALTH_FAILED' },
    });
    expect(calls()).toContain(`--hook-step rollback --image ${ids.v2}`);
    expect((await docker.inspectContainer(prod))?.imageId).toBe(ids.v2);
    expect((await docker.inspectImage(`${repo}:prod`))?.id).toBe(ids.v2);
    expect(await healthy(prodPort)).toBe(true);
    expect(state(id).steps.ROLLBACK!.status).toBe('completed');
    expect(verdict('api').frontmatter).toMatchObject({
      deploy_status: 'FAILED',
      exit_code: 2,
      rolled_back: true,
      image_id: ids.bad,
      run_id: id,
    });
  });

  it('kill -9 after the remote SWITCH, then --resume: health and verdict finish over ssh, no second switch', async () => {
    await docker.recreate(stg, `${repo}:v3`);
    expect((await run(['stage', 'api'])).exitCode).toBe(0);
    const id = 'promote-20260101-ssh003';
    const killed = await run(['promote', 'api', '--env', 'production', '--run-id', id], {
      FERRY_TEST_CRASH: 'AFTER:SWITCH',
    });
    expect(killed.exitCode).not.toBe(0);
    expect(state(id).steps.HEALTH!.status).toBe('pending');
    expect((await docker.inspectContainer(prod))?.imageId).toBe(ids.v3);
    const resumed = await run(['promote', 'api', '--resume', id]);
    expect(resumed.exitCode, resumed.stdout + resumed.stderr).toBe(0);
    expect(last(resumed.stdout)).toMatchObject({
      status: 'SUCCESS',
      exit_code: 0,
      source_image_id: ids.v3,
      previous_image_id: ids.v2,
    });
    expect(events(id).filter((e) => e.step === 'SWITCH' && e.type === 'step.started')).toHaveLength(1);
    expect((await containersNamed(docker.docker, prod)).map((c) => c.Names[0])).toEqual([`/${prod}`]);
    expect(verdict('api').frontmatter).toMatchObject({ deploy_status: 'SUCCESS', run_id: id, image_id: ids.v3 });
  });

  it('self-deploy with host: Phase B started through ssh outlives the ferry that launched it; finalize writes the verdict from the exit code', async () => {
    await docker.recreate(stg, `${repo}:v2`);
    expect((await run(['stage', 'orch'])).exitCode).toBe(0);
    const id = 'self-deploy-20260101-ssh001';
    writeFileSync(join(dir, 'hold'), '');
    const launched = await run([
      'self-deploy',
      'orch',
      '--run-id',
      id,
      '--gate-attestation',
      `1740312612.000100:${id}`,
    ]);
    expect(launched.exitCode, launched.stdout + launched.stderr).toBe(0);
    const res = last(launched.stdout) as { status: string; log_file: string; exit_file: string };
    expect(res.status).toBe('hook_launched');
    // The launching ferry has exited (ferry() returned); the hook, a session of sshd, is still held alive.
    // The remote shell logs "started pid" BEFORE it execs the hook, and the hook's wrapper appends to
    // calls.log only once it runs: on a loaded machine the two are seconds apart, so wait for both.
    const hookCall = `promote orch --env production --hook-mode --image ${ids.v2} --run-id ${id}-hook`;
    let log = '';
    for (let i = 0; i < 300 && !(/started pid \d+/.test(log) && calls().includes(hookCall)); i++) {
      await sleep(100);
      log = existsSync(res.log_file) ? readFileSync(res.log_file, 'utf8') : '';
    }
    const remotePid = Number(/\[ferry-hook\] started pid (\d+)/.exec(log)?.[1]);
    expect(remotePid, log).toBeGreaterThan(0);
    expect(pidAlive(remotePid)).toBe(true);
    expect(readFileSync(`/proc/${remotePid}/environ`, 'utf8')).toMatch(/SSH_CONNECTION=127\.0\.0\.1 /);
    expect(calls()).toContain(hookCall);
    expect(existsSync(res.exit_file)).toBe(false);
    expect((await docker.inspectContainer(selfProd))?.imageId).toBe(ids.v1);
    const pending = await run(['finalize', 'orch']);
    expect(last(pending.stdout)).toMatchObject({ results: [{ service: 'orch', status: 'pending' }] });

    rmSync(join(dir, 'hold'));
    const f = await run(['finalize', 'orch', '--wait-seconds', '60']);
    expect(f.exitCode, f.stdout + f.stderr + readFileSync(res.log_file, 'utf8')).toBe(0);
    expect((last(f.stdout) as { results: unknown[] }).results[0]).toMatchObject({
      service: 'orch',
      status: 'SUCCESS',
      hook_exit_code: 0,
    });
    expect(readFileSync(res.exit_file, 'utf8').trim()).toBe('0');
    expect((await docker.inspectContainer(selfProd))?.imageId).toBe(ids.v2);
    expect(await healthy(selfPort)).toBe(true);
    expect(verdict('orch').frontmatter).toMatchObject({
      deploy_status: 'SUCCESS',
      exit_code: 0,
      run_id: id,
      image_id: ids.v2,
    });
  });
});
